"""Topics of Umbra Travel, a booking site for flights and hotels."""

from feedback_platform.lib.sample_logs.topic import Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="cancel_booking",
        label="Cancelling a booking",
        asks={
            "support_chat": "How do I cancel my hotel booking?",
            "email_draft": "Draft a reply to a traveller who wants to cancel a non-refundable hotel room.",
        },
        answer="Open My trips, choose the booking and select Cancel. Flexible rates are refunded in full up "
        "to 48 hours before check-in; non-refundable rates can't be refunded, but we can ask the hotel for "
        "an exception.",
        wrong="Hotel bookings can be cancelled for free at any time, including on the day of arrival.",
        follow_up="How long until I get my money back?",
        detail="Refunds reach your card within 7 business days after the cancellation.",
        doc_title="Hotel cancellations",
        doc_text="Flexible rates are fully refundable until 48 hours before check-in. Non-refundable rates "
        "are not refunded; agents may request a goodwill exception from the hotel. Refunds take up to 7 "
        "business days.",
    ),
    Topic(
        key="baggage",
        label="Baggage allowance",
        asks={
            "support_chat": "How much baggage can I take on my flight?",
            "email_draft": "Write to a traveller asking whether they can bring skis on their flight.",
        },
        answer="Your allowance is shown under My trips > Flight details. Economy Light includes one cabin "
        "bag only; Economy Classic adds one checked bag of 23 kg. Extra bags are cheaper when added online.",
        wrong="Every ticket includes two checked bags of 32 kg each.",
        follow_up="Can I add a bag later?",
        detail="Yes, add bags under My trips until 24 hours before departure; at the airport it costs more.",
        doc_title="Baggage rules",
        doc_text="Economy Light: one cabin bag. Economy Classic: one cabin bag and one checked bag of 23 kg. "
        "Extra bags and sports equipment can be added online until 24 hours before departure.",
    ),
    Topic(
        key="change_flight",
        label="Changing a flight",
        asks={
            "support_chat": "Can I change the date of my flight?",
            "email_draft": "Draft a reply to a traveller who needs to move their flight by two days.",
        },
        answer="Yes, if your fare allows changes. Go to My trips, select the flight and choose Change; you "
        "pay the change fee of your fare plus any difference in price.",
        wrong="Flights can never be changed; you need to buy a new ticket.",
        follow_up="What does the change fee cost?",
        detail="Classic fares change for $60 per direction; Flex fares change for free.",
        doc_title="Flight changes",
        doc_text="Date changes are possible for Classic and Flex fares under My trips > Change. Classic "
        "costs $60 per direction plus any fare difference; Flex changes are free.",
    ),
    Topic(
        key="refund_status",
        label="Refund status",
        asks={
            "support_chat": "Where is my refund for the cancelled flight?",
            "email_draft": "Reply to a traveller waiting for a refund for a cancelled flight.",
        },
        answer="When the airline cancels a flight, the refund is requested automatically. Airlines pay "
        "within two to four weeks, and we forward it to your payment method the same day we receive it.",
        wrong="Refunds for cancelled flights are paid as vouchers only.",
        follow_up="Can I get a voucher instead?",
        detail="Yes, a voucher is issued immediately and is worth 10 percent more than the refund.",
        doc_title="Refunds for cancelled flights",
        doc_text="Refunds for airline cancellations are requested automatically and forwarded on receipt, "
        "usually within two to four weeks. Travellers may choose an immediate voucher worth 10 percent more.",
    ),
    Topic(
        key="hotel_checkin",
        label="Hotel check-in",
        asks={
            "support_chat": "Can I check in to my hotel late at night?",
            "email_draft": "Write to a traveller whose flight lands after midnight and who worries about "
            "check-in.",
        },
        answer="Most hotels accept late arrivals if you tell them in advance. Add your arrival time under "
        "My trips > Message the hotel and the reception will hold the room for you.",
        wrong="Check-in is only possible between 2 pm and 6 pm, otherwise the booking is cancelled.",
        follow_up="Will they charge extra?",
        detail="No, late check-in is free; only early check-in before noon may cost extra.",
        doc_title="Check-in times",
        doc_text="Hotels keep rooms for late arrivals when informed through My trips > Message the hotel. "
        "Late check-in is free; early check-in before noon may cost extra.",
    ),
    Topic(
        key="travel_insurance",
        label="Travel insurance",
        asks={
            "support_chat": "Does my booking include travel insurance?",
            "email_draft": "Reply to a traveller asking whether their insurance covers a missed connection.",
        },
        answer="Insurance is included only if you added it at checkout; you'll find the policy under My "
        "trips > Documents. It covers cancellation for illness and missed connections over three hours.",
        wrong="Every booking automatically includes full travel insurance.",
        follow_up="How do I make a claim?",
        detail="Use Make a claim next to the policy and upload the receipts; claims are decided within "
        "ten days.",
        doc_title="Travel insurance",
        doc_text="Travel insurance can be added at checkout. It covers cancellation for illness and missed "
        "connections over three hours. Claims with receipts are decided within ten days.",
    ),
)
