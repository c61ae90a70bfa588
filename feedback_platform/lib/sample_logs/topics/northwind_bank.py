"""Topics of Northwind Bank, a retail bank."""

from feedback_platform.lib.sample_logs.topic import Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="lost_card",
        label="Lost card",
        asks={
            "support_chat": "I lost my debit card. What should I do?",
            "search_answer": "lost debit card freeze",
            "email_draft": "Draft a reply to a customer who lost their debit card abroad.",
        },
        answer="Freeze the card right away in the app under Cards > Freeze. Then order a replacement on the "
        "same screen; it arrives within 5 business days and your direct debits keep working.",
        wrong="Wait a few days in case the card turns up, cards cannot be frozen in the app.",
        follow_up="Can I still pay with my phone in the meantime?",
        detail="Yes. Your digital card in the wallet app is reissued instantly, so you can pay by phone "
        "today.",
        doc_title="Lost or stolen cards",
        doc_text="Customers freeze a lost card in the app under Cards > Freeze and order a replacement on "
        "the same screen. Replacements arrive within 5 business days. The digital wallet card is reissued "
        "immediately.",
    ),
    Topic(
        key="transfer_limit",
        label="Transfer limit",
        asks={
            "support_chat": "What is the daily limit for online transfers?",
            "search_answer": "daily transfer limit",
            "email_draft": "Write to a customer whose large transfer was blocked by the daily limit.",
        },
        answer="The standard daily limit for online transfers is $5,000. You can raise it for 24 hours up to "
        "$25,000 in Settings > Limits after confirming with your passcode.",
        wrong="There is no limit on online transfers.",
        follow_up="Does the limit reset at midnight?",
        detail="The limit is a rolling 24-hour window, so it frees up one day after each transfer.",
        doc_title="Transfer limits",
        doc_text="Online transfers have a standard limit of $5,000 per rolling 24 hours. Customers can raise "
        "it temporarily up to $25,000 in Settings > Limits after passcode confirmation.",
    ),
    Topic(
        key="overdraft",
        label="Overdraft fees",
        asks={
            "support_chat": "Why was I charged an overdraft fee?",
            "search_answer": "overdraft fee refund",
            "email_draft": "Reply to a customer complaining about an overdraft fee.",
        },
        answer="An overdraft fee of $15 applies when a payment takes your balance below zero by more than "
        "$50. We refund the first fee each year: open the transaction in the app and tap Request refund.",
        wrong="Overdraft fees are charged by the merchant, so the bank cannot do anything about it.",
        follow_up="How can I avoid it next time?",
        detail="Turn on low-balance alerts and link a savings account under Settings > Overdraft protection.",
        doc_title="Overdraft fees",
        doc_text="A $15 fee applies when the balance drops more than $50 below zero. The first fee per "
        "calendar year is refunded on request. Overdraft protection can draw from a linked savings account.",
    ),
    Topic(
        key="international_transfer",
        label="International transfers",
        asks={
            "support_chat": "How long does an international transfer take?",
            "search_answer": "international transfer duration",
            "email_draft": "Write to a customer asking why their transfer to Spain has not arrived.",
        },
        answer="Transfers in euro within Europe arrive within one business day. Transfers in other "
        "currencies take 2 to 4 business days depending on the receiving bank.",
        wrong="International transfers always arrive instantly.",
        follow_up="Are there fees for that?",
        detail="Transfers in euro within Europe are free; other currencies cost a flat fee of $7.",
        doc_title="International payments",
        doc_text="Euro transfers within Europe arrive within one business day and are free. Other currencies "
        "take 2 to 4 business days and cost a flat fee of $7.",
    ),
    Topic(
        key="statements",
        label="Account statements",
        asks={
            "support_chat": "Where can I download my account statements?",
            "search_answer": "download bank statement",
            "email_draft": "Draft an email telling a customer how to get last year's statements.",
        },
        answer="Open Accounts, choose the account and tap Statements. You can download monthly statements "
        "as PDF for the last seven years.",
        wrong="Statements are only sent by post and cannot be downloaded.",
        follow_up="Can I get a statement in another language?",
        detail="Yes, choose the language under Settings > Documents before downloading.",
        doc_title="Statements",
        doc_text="Monthly statements for the last seven years are available as PDF under Accounts > "
        "Statements. The document language is set under Settings > Documents.",
    ),
    Topic(
        key="early_repayment",
        label="Early loan repayment",
        asks={
            "support_chat": "Can I pay off my personal loan early without a fee?",
            "search_answer": "early loan repayment fee",
            "email_draft": "Reply to a customer who wants to repay their car loan early.",
        },
        answer="Yes. Personal and car loans can be repaid early at any time without a fee. Go to Loans, "
        "select the loan and choose Repay early to see the exact amount.",
        wrong="Early repayment costs a penalty of 10 percent of the remaining amount.",
        follow_up="Can I repay only part of it?",
        detail="Yes, partial repayments lower the monthly instalment or shorten the term, as you choose.",
        doc_title="Loan repayment",
        doc_text="Personal and car loans can be repaid early, fully or partly, without a fee. Partial "
        "repayments lower the instalment or shorten the term.",
    ),
)
