"""Topics of Acme Retail, an online store."""

from feedback_platform.lib.sample_logs.topic import Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="returns",
        label="Returns",
        asks={
            "support_chat": "How do I return an item I bought online?",
            "search_answer": "return policy opened items",
            "email_draft": "Draft a reply to a customer who wants to return a blender they already opened.",
        },
        answer="You can return most items within 30 days of delivery. Start the return under Orders > Return "
        "an item, print the free prepaid label and drop the parcel at any partner shop. Opened items are "
        "accepted as long as all parts are included.",
        wrong="Returns are only possible within 7 days, opened items cannot be returned and you have to pay "
        "for the return label yourself.",
        follow_up="How long does the refund take?",
        detail="The refund goes back to your original payment method within 5 business days after the "
        "parcel reaches our warehouse.",
        doc_title="Returns policy",
        doc_text="Most items can be returned within 30 days of delivery. Opened items are accepted when "
        "complete. Return labels are prepaid and free. Refunds are issued to the original payment method "
        "within 5 business days after the return is received.",
    ),
    Topic(
        key="delivery",
        label="Late delivery",
        asks={
            "support_chat": "My parcel hasn't arrived yet, what can I do?",
            "search_answer": "order not delivered",
            "email_draft": "Write an email to a customer whose parcel is delayed.",
        },
        answer="Standard delivery takes 2 to 4 business days. If the tracking page shows no update for 3 "
        "days, open Orders > Report a problem and we will send a replacement or refund the order.",
        wrong="Parcels can take up to 6 weeks to arrive and nothing can be done before then.",
        follow_up="Can I get express shipping next time?",
        detail="Yes. Express orders placed before 2 pm arrive the next business day for a flat fee of $9.",
        doc_title="Shipping and delivery",
        doc_text="Standard delivery takes 2 to 4 business days, express delivery one business day for "
        "orders placed before 2 pm. If tracking shows no update for 3 days, customers can report the order "
        "and receive a replacement or a refund.",
    ),
    Topic(
        key="payment_methods",
        label="Payment methods",
        asks={
            "support_chat": "Which payment methods do you accept?",
            "search_answer": "pay with paypal",
            "email_draft": "Draft an email explaining which payment methods we accept.",
        },
        answer="We accept Visa, Mastercard, American Express, PayPal and Acme gift cards. Pay in 3 "
        "instalments is offered at checkout for orders over $50.",
        wrong="We only accept bank transfers and cash on delivery.",
        follow_up="Can I combine a gift card with PayPal?",
        detail="Yes, a gift card can be combined with one other payment method, including PayPal.",
        doc_title="Payment options",
        doc_text="Accepted: Visa, Mastercard, American Express, PayPal, Acme gift cards. Pay in 3 "
        "instalments for orders over $50. One gift card can be combined with one other payment method.",
    ),
    Topic(
        key="price_match",
        label="Price match",
        asks={
            "support_chat": "Do you match prices from other stores?",
            "search_answer": "price match guarantee",
            "email_draft": "Reply to a customer who found the same TV cheaper at another store.",
        },
        answer="Yes. If you find the same item cheaper at a major online retailer within 14 days of your "
        "purchase, send us a link through the price match form and we refund the difference.",
        wrong="We never match prices, but you can cancel the order and buy it elsewhere.",
        follow_up="Does that include marketplace sellers?",
        detail="No, marketplace sellers and clearance offers are excluded from the price match.",
        doc_title="Price match guarantee",
        doc_text="Acme refunds the difference when the same item is sold cheaper by a major online retailer "
        "within 14 days of purchase. Marketplace sellers and clearance offers are excluded.",
    ),
    Topic(
        key="warranty",
        label="Warranty",
        asks={
            "support_chat": "My vacuum cleaner stopped working after eight months. Is it still under "
            "warranty?",
            "search_answer": "warranty broken appliance",
            "email_draft": "Draft a reply to a customer whose coffee machine broke after a year.",
        },
        answer="Yes, all appliances carry a two-year warranty. Open Orders, choose the item and select "
        "Warranty claim; we collect the device and repair or replace it free of charge.",
        wrong="The warranty ends after 90 days, so you will need to pay for the repair.",
        follow_up="Do I need the original box?",
        detail="No, the original box is not needed. Please pack the device safely; the courier brings "
        "a label.",
        doc_title="Warranty for appliances",
        doc_text="Appliances have a two-year warranty from delivery. Claims start from the order page; Acme "
        "arranges collection and repairs or replaces the device at no cost. The original box is not needed.",
    ),
    Topic(
        key="change_address",
        label="Change of delivery address",
        asks={
            "support_chat": "How do I change the delivery address of my order?",
            "search_answer": "change shipping address after ordering",
            "email_draft": "Write to a customer who wants their order sent to a different address.",
        },
        answer="You can change the address while the order status is Processing: open Orders, choose the "
        "order and select Edit address. Once the parcel has shipped, use Redirect on the tracking page.",
        wrong="Addresses can never be changed after ordering; you have to cancel and order again.",
        follow_up="What if it has already shipped?",
        detail="Then open the tracking page and choose Redirect; the carrier delivers to the new address or "
        "to a pickup point.",
        doc_title="Changing an order",
        doc_text="The delivery address can be edited while an order is Processing. After dispatch, the "
        "carrier's Redirect option on the tracking page sends the parcel to another address or pickup point.",
    ),
)
