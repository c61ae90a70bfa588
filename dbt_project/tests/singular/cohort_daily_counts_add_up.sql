-- cohort_daily_counts must account for every response exactly once, and its counts must add up: responses
-- summed over all cohorts equal the rows of response_signals; within a cohort, rating_1 to rating_5 sum to
-- ratings, and no cohort has more thumbs, ratings or responses with an implicit signal or an outcome than
-- responses (each response counts at most once per signal), nor more successes than responses with an
-- outcome. Returns a row per violation. meta.dagster.ref attaches it to cohort_daily_counts.
{{ config(meta={'dagster': {'ref': {'name': 'cohort_daily_counts'}}}) }}

with

counts as (

    select * from {{ ref('cohort_daily_counts') }}

),

response_totals as (

    select count(*) as responses from {{ ref('response_signals') }}

),

unbalanced_cohorts as (

    select
        'cohort counts do not add up' as violation,
        {{ cohort_columns() }}
    from counts
    where rating_1 + rating_2 + rating_3 + rating_4 + rating_5 != ratings
        or thumbs_up + thumbs_down > responses
        or greatest(ratings, edited, regenerated, copied, abandoned, with_outcome) > responses
        or succeeded > with_outcome

),

missing_responses as (

    select
        'responses differ from response_signals' as violation,
        null as response_date,
        null as tenant_id,
        null as model,
        null as model_version,
        null as prompt_version,
        null as feature,
        null as language
    from response_totals
    where response_totals.responses != (select coalesce(sum(responses), 0) from counts)

),

final as (

    select * from unbalanced_cohorts
    union all
    select * from missing_responses

)

select * from final
