"""Topics of Contoso Health, a network of clinics."""

from feedback_platform.lib.sample_logs.topic import Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="book_appointment",
        label="Booking an appointment",
        asks={
            "support_chat": "How can I book an appointment with a dermatologist?",
            "search_answer": "book dermatologist appointment",
            "email_draft": "Draft a reply to a patient who could not find a free dermatology slot.",
        },
        answer="Book online under Appointments > New, choose Dermatology and pick a clinic. New slots are "
        "released every morning, and you can join the waiting list to be told about cancellations.",
        wrong="Dermatology appointments can only be booked in person at the front desk.",
        follow_up="Do I need a referral?",
        detail="No referral is needed for dermatology; your insurance card is enough.",
        doc_title="Booking appointments",
        doc_text="Appointments are booked online under Appointments > New. Slots are released every morning; "
        "a waiting list notifies patients of cancellations. Dermatology needs no referral.",
    ),
    Topic(
        key="cancel_appointment",
        label="Cancelling an appointment",
        asks={
            "support_chat": "How do I cancel my appointment tomorrow?",
            "search_answer": "cancel appointment fee",
            "email_draft": "Write to a patient who missed their appointment without cancelling.",
        },
        answer="Open Appointments, select the visit and choose Cancel. Cancellations are free up to 24 hours "
        "before the appointment; later cancellations and no-shows cost $25.",
        wrong="Appointments cannot be cancelled once booked.",
        follow_up="Can I move it instead of cancelling?",
        detail="Yes, choose Reschedule on the same screen; moving a visit is always free.",
        doc_title="Cancellation policy",
        doc_text="Cancellation is free until 24 hours before a visit. Late cancellations and missed visits "
        "are charged $25. Rescheduling is free at any time.",
    ),
    Topic(
        key="prescription_refill",
        label="Prescription refills",
        asks={
            "support_chat": "How do I request a refill of my prescription?",
            "search_answer": "prescription refill request",
            "email_draft": "Reply to a patient asking why their refill is taking so long.",
        },
        answer="Request refills under Medications > Refill. Your doctor reviews requests within two "
        "business days, and the prescription is sent to the pharmacy you chose.",
        wrong="Refills are approved automatically within minutes without a doctor's review.",
        follow_up="Can I change the pharmacy?",
        detail="Yes, set your preferred pharmacy under Profile > Pharmacy before you request the refill.",
        doc_title="Refills",
        doc_text="Refill requests are made under Medications > Refill and reviewed by the treating doctor "
        "within two business days. Prescriptions go to the patient's preferred pharmacy.",
    ),
    Topic(
        key="test_results",
        label="Test results",
        asks={
            "support_chat": "When will my blood test results be ready?",
            "search_answer": "blood test results time",
            "email_draft": "Draft a message to a patient whose lab results are delayed.",
        },
        answer="Most blood test results are ready within two to three business days. You get a notification "
        "when they appear under Records > Results, and your doctor adds a comment if anything needs action.",
        wrong="Results are only given by phone after four weeks.",
        follow_up="Who explains the results to me?",
        detail="Your doctor comments on every result; you can also book a short video call to go through it.",
        doc_title="Lab results",
        doc_text="Blood test results usually arrive within two to three business days under Records > "
        "Results. Doctors annotate each result and patients can book a video call to discuss them.",
    ),
    Topic(
        key="insurance",
        label="Insurance coverage",
        asks={
            "support_chat": "Do you accept my health insurance?",
            "search_answer": "accepted insurance plans",
            "email_draft": "Reply to a patient asking whether their insurance covers a physiotherapy visit.",
        },
        answer="We work with all major public and private insurers. Add your insurance card under Profile > "
        "Insurance and the booking page shows whether a service is covered before you confirm.",
        wrong="We only accept patients who pay in cash.",
        follow_up="What if my insurer is not listed?",
        detail="You can still book; you pay the visit and get an itemised invoice to claim from your "
        "insurer.",
        doc_title="Insurance",
        doc_text="Contoso clinics accept all major public and private insurers. Coverage for each service is "
        "shown before booking once the insurance card is added. Self-payers receive itemised invoices.",
    ),
    Topic(
        key="opening_hours",
        label="Opening hours",
        asks={
            "support_chat": "Is the clinic open on Saturdays?",
            "search_answer": "clinic opening hours weekend",
        },
        answer="Most clinics are open on Saturdays from 9 am to 1 pm. The clinic page shows the hours of "
        "each location, and the urgent care centres are open every day until 10 pm.",
        wrong="All clinics are closed at weekends.",
        follow_up="And on public holidays?",
        detail="On public holidays only the urgent care centres are open.",
        doc_title="Opening hours",
        doc_text="Clinics open Monday to Friday 8 am to 6 pm and most on Saturday 9 am to 1 pm. Urgent care "
        "centres open daily until 10 pm, including public holidays.",
    ),
)
