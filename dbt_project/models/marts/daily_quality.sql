-- Quality figures per response day and serving configuration (tenant, model, model_version,
-- prompt_version, feature, language). Rates are shares of responses with at least one such event;
-- thumbs_up_rate is up / (up + down) and NULL without thumbs. Sums are exact (integers, decimals) so that
-- a re-run on the same input gives a byte-identical table.

with

response_signals as (

    select * from {{ ref('response_signals') }}

),

aggregated as (

    select
        {{ cohort_columns() }},
        count(*) as responses,
        count(*) filter (where feedback_events > 0) as responses_with_feedback,
        cast(sum(thumbs_up) as bigint) as thumbs_up,
        cast(sum(thumbs_down) as bigint) as thumbs_down,
        cast(sum(ratings) as bigint) as ratings,
        -- mean over all ratings of the day, not a mean of per-response means; each response's rating
        -- total is an integer (rounded back from its mean), so the sum does not depend on the order
        -- threads add it in
        sum(round(mean_rating * ratings)) / nullif(sum(ratings), 0) as mean_rating,
        avg(cast(edits > 0 as integer)) as edit_rate,
        avg(cast(regenerations > 0 as integer)) as regenerate_rate,
        avg(cast(copies > 0 as integer)) as copy_rate,
        avg(cast(abandons > 0 as integer)) as abandon_rate,
        cast(avg(cast(dwell_seconds_total as decimal(38, 9))) as double) as mean_dwell_seconds

    from response_signals
    group by {{ cohort_columns() }}

),

final as (

    select
        {{ cohort_columns() }},
        responses,
        responses_with_feedback,
        thumbs_up,
        thumbs_down,
        cast(thumbs_up as double) / nullif(thumbs_up + thumbs_down, 0) as thumbs_up_rate,
        ratings,
        mean_rating,
        edit_rate,
        regenerate_rate,
        copy_rate,
        abandon_rate,
        mean_dwell_seconds

    from aggregated

)

-- rows in key order, so that a re-run writes the same table
select * from final
order by {{ cohort_columns() }}
