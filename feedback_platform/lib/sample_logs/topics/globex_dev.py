"""Topics of Globex Cloud, a developer platform with an API and SDKs."""

from feedback_platform.lib.sample_logs.topic import Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="rate_limit",
        label="API rate limits",
        asks={
            "support_chat": "Why am I getting HTTP 429 errors from the API?",
            "search_answer": "429 too many requests",
            "code_assist": "How do I retry requests that fail with HTTP 429 in the Globex Python SDK?",
        },
        answer="HTTP 429 means you exceeded the rate limit of 600 requests per minute per project. Read the "
        "Retry-After header and wait that many seconds, or enable the SDK's built-in retries:\n\n"
        "```python\nfrom globex import Client\n\nclient = Client(max_retries=5, backoff_factor=0.5)\n```",
        wrong="HTTP 429 means your API key has expired; generate a new one and the errors will stop.",
        follow_up="Can the limit be raised?",
        detail="Yes, the Business plan allows 3,000 requests per minute; ask support for higher limits.",
        doc_title="Rate limits",
        doc_text="Each project may send 600 requests per minute (3,000 on the Business plan). Excess "
        "requests receive HTTP 429 with a Retry-After header. The SDKs retry with exponential backoff when "
        "max_retries is set.",
    ),
    Topic(
        key="pagination",
        label="Pagination",
        asks={
            "code_assist": "How do I iterate over all projects with the Globex Python SDK?",
            "search_answer": "list all projects pagination sdk",
        },
        answer="The list methods return a lazy iterator that fetches the next page for you:\n\n"
        "```python\nfrom globex import Client\n\nclient = Client()\nfor project in "
        "client.projects.list(page_size=100):\n    print(project.name)\n```",
        wrong="You have to call `client.projects.get_all()` which returns every project in one response.",
        follow_up="How do I filter by owner?",
        detail="Pass a filter: `client.projects.list(owner='team-data')`; filters are applied on the server.",
        doc_title="SDK pagination",
        doc_text="List endpoints are cursor-paginated. SDK list methods return iterators that follow the "
        "next cursor automatically; page_size accepts values up to 100. Filters such as owner are applied "
        "server-side.",
    ),
    Topic(
        key="webhook_signature",
        label="Webhook signatures",
        asks={
            "code_assist": "How do I verify the signature of a Globex webhook in Node.js?",
            "search_answer": "verify webhook signature",
            "support_chat": "Our webhook endpoint rejects every event, how are signatures checked?",
        },
        answer="Compute an HMAC-SHA256 of the raw request body with your signing secret and compare it to "
        "the Globex-Signature header:\n\n```js\nconst crypto = require('crypto');\nconst expected = "
        "crypto.createHmac('sha256', secret).update(rawBody).digest('hex');\nconst ok = "
        "crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature));\n```",
        wrong="Webhooks are not signed; just check that the request comes from a Globex IP range.",
        follow_up="Why does it fail with Express?",
        detail="Express parses the JSON body before you see it; use express.raw() on the webhook route so "
        "the signature is computed over the raw bytes.",
        doc_title="Webhook security",
        doc_text="Every webhook carries a Globex-Signature header: the hex HMAC-SHA256 of the raw body with "
        "the endpoint's signing secret. Compare with a constant-time function and parse the body only after.",
    ),
    Topic(
        key="seats",
        label="Adding seats",
        asks={
            "support_chat": "How do I add more seats to our team plan?",
            "search_answer": "add seats team plan",
        },
        answer="Owners and billing admins can add seats under Settings > Billing > Seats. New seats are "
        "charged pro rata for the rest of the billing period.",
        wrong="Seats can only be changed once a year at renewal.",
        follow_up="And removing seats?",
        detail="Removed seats stay usable until the end of the billing period and are not charged after it.",
        doc_title="Billing and seats",
        doc_text="Seats are managed under Settings > Billing > Seats by owners and billing admins. Added "
        "seats are billed pro rata; removed seats remain active until the period ends.",
    ),
    Topic(
        key="sso",
        label="Single sign-on",
        asks={
            "support_chat": "How do I set up single sign-on with Okta?",
            "search_answer": "sso saml okta setup",
        },
        answer="Single sign-on is available on the Business plan. In Settings > Security > SSO choose SAML, "
        "paste the metadata URL from Okta and map the email attribute, then test with one account before "
        "enforcing it.",
        wrong="Globex does not support single sign-on.",
        follow_up="Can we enforce it for everyone?",
        detail="Yes, turn on Enforce SSO; owners keep a password login as a break-glass account.",
        doc_title="SAML single sign-on",
        doc_text="SAML SSO (Okta, Entra ID, Google) is part of the Business plan. Configure it under "
        "Settings > Security > SSO with the identity provider's metadata URL. Enforcement keeps a "
        "break-glass password login for owners.",
    ),
    Topic(
        key="deploy_env",
        label="Environment variables",
        asks={
            "code_assist": "How do I read the Globex API key from an environment variable instead of "
            "hard-coding it?",
            "search_answer": "api key environment variable",
        },
        answer="The SDK reads GLOBEX_API_KEY automatically, so create the client without arguments:\n\n"
        "```python\nimport os\nfrom globex import Client\n\nclient = Client(api_key=os.environ"
        "['GLOBEX_API_KEY'])\n```\n\nNever commit keys to your repository.",
        wrong="The key has to be passed as a string literal; environment variables are not supported.",
        follow_up="What if the key leaked?",
        detail="Revoke it under Settings > API keys and create a new one; revoked keys stop working at once.",
        doc_title="Authentication",
        doc_text="SDKs read the API key from GLOBEX_API_KEY when none is passed. Keys are revoked and "
        "rotated under Settings > API keys; revocation takes effect immediately.",
    ),
)
