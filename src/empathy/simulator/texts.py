"""Synthetic free text: names, chat lines, ticket subjects and comments, survey comments.

All text is written for this simulator. Survey comment templates carry their true labels
(theme, sentiment) so the warehouse's theme coder can be checked against them; they cover the six
themes (clarity, tone, speed, trust, accuracy, effort) with positive, negative and neutral
sentiment, including negations ("not clear", "wasn't slow"). A few texts embed a synthetic e-mail
address or phone number, which the warehouse must scrub.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_NAMES = (
    "Ada",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kira",
    "Liam",
    "Maya",
    "Noor",
    "Oscar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amir",
    "Bea",
    "Chen",
    "Dara",
    "Emil",
    "Fay",
    "Gil",
    "Hana",
    "Ivo",
    "Jade",
    "Kofi",
    "Lena",
    "Milo",
    "Nia",
    "Otto",
    "Pia",
    "Rafa",
    "Sena",
    "Teo",
    "Uma",
    "Vik",
    "Wren",
    "Yara",
    "Zane",
)
LAST_NAMES = (
    "Abbott",
    "Baker",
    "Castro",
    "Dumont",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hayes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Underwood",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Alvarez",
    "Brandt",
    "Costa",
    "Dalton",
    "Evans",
    "Ferreira",
    "Gupta",
    "Holm",
    "Iqbal",
    "Jovanovic",
    "Kim",
    "Larsen",
    "Mendes",
    "Novak",
    "Olsen",
    "Park",
    "Reyes",
    "Sato",
    "Torres",
    "Ueda",
    "Vogel",
    "Walsh",
    "Young",
    "Zhou",
)

INTENT_CUSTOMER_LINES = {
    "billing": (
        "I was charged twice this month, can you check my invoice?",
        "Why did my bill go up?",
        "I need a copy of my last invoice for accounting.",
        "Can I change the card you charge?",
    ),
    "technical": (
        "The export keeps failing with an error.",
        "Sync with my calendar stopped working yesterday.",
        "The dashboard does not load on my laptop.",
        "I get a timeout when I connect the integration.",
    ),
    "account": (
        "How do I add a teammate to my account?",
        "I cannot reset my password.",
        "Please update the company name on my account.",
        "How do I change the account owner?",
    ),
    "onboarding": (
        "Where do I start with the setup?",
        "How do I import my contacts?",
        "What is the next step after connecting my data?",
        "Is there a checklist for new accounts?",
    ),
    "product_question": (
        "Does the pro plan include automations?",
        "Can the assistant draft replies in Spanish?",
        "Is there an API for reports?",
        "What is the difference between growth and pro?",
    ),
    "cancellation": (
        "I want to cancel my subscription.",
        "How do I downgrade before renewal?",
        "We are not using this enough, can we pause?",
        "Please close my account at the end of the month.",
    ),
}
CUSTOMER_FOLLOW_UPS = (
    "Okay, I tried that.",
    "It still does not work.",
    "Thanks, that helps.",
    "Can you explain that step again?",
    "Where exactly do I find that?",
    "Got it, one more question.",
)
CUSTOMER_REPEAT_LINES = (
    "As I already said, the problem is still there.",
    "I explained this twice already.",
    "Again: I need this fixed, not a link.",
)
AI_LINES = (
    "I can help with that. Here is what I found in your account.",
    "Thanks for the details. Could you try the steps below?",
    "Based on your plan, this option is available under Settings.",
    "I checked the logs and see the issue you describe.",
    "Here is a short guide that matches your question.",
    "I understand this is frustrating. Let me look into it.",
)
HUMAN_LINES = (
    "Hi, I am taking over from the assistant. Let me check this for you.",
    "Thanks for waiting, I have looked at your account.",
    "I have fixed the setting on our side, please try again.",
    "I have escalated this to our specialists and will update you.",
    "Sorry for the trouble, this is now resolved.",
)
CONTACT_LINES_EMAIL = ("You can reach me at ", "Please email me at ", "My work address is ")
CONTACT_LINES_PHONE = ("Call me on ", "My number is ", "Phone me at ")

TICKET_SUBJECTS = {
    "billing": (
        "Double charge on invoice",
        "Question about my bill",
        "Refund request",
        "Invoice copy needed",
    ),
    "technical": (
        "Export failing",
        "Integration error",
        "Dashboard not loading",
        "Sync stopped working",
    ),
    "account": (
        "Add user to account",
        "Password reset not arriving",
        "Change account owner",
        "Update company details",
    ),
    "onboarding": (
        "Help with setup",
        "Importing contacts",
        "Getting started questions",
        "Onboarding checklist",
    ),
    "product_question": (
        "Plan comparison",
        "API availability",
        "Language support",
        "Feature question",
    ),
    "cancellation": ("Cancel subscription", "Downgrade request", "Pause account", "Close account"),
}
TICKET_FIRST_REPLY_AI = (
    "Thanks for reaching out. I have looked at your request and here is what you can do next.",
    "Hello, I am the virtual agent. Based on your account, these steps should resolve it.",
    "Thanks! I found a matching answer in our help centre and applied it to your account.",
)
TICKET_FIRST_REPLY_HUMAN = (
    "Hi, thanks for contacting us. I am looking into this now.",
    "Hello, sorry for the trouble. Could you share a screenshot?",
    "Thanks for the details, I am checking with the team.",
)
TICKET_PRIVATE_NOTES = (
    "Customer on legacy pricing, check before refund.",
    "Reproduced the issue, linked to known bug.",
    "Needs tier 2 access to logs.",
    "Second contact on the same topic this week.",
)
TICKET_PENDING_REPLIES = (
    "Here is the screenshot you asked for.",
    "I tried again and it still fails.",
    "The account id is in my signature.",
)
TICKET_SOLVE_LINES = (
    "This should now be fixed. Let us know if anything else comes up.",
    "I have applied the change, you are all set.",
    "Resolved: the setting has been corrected on our side.",
)
TICKET_REOPEN_LINES = (
    "It broke again after your fix.",
    "This is not solved, the same error is back.",
    "The answer did not address my question.",
)

NEUTRAL, POSITIVE, NEGATIVE = "neutral", "positive", "negative"
THEMES = ("clarity", "tone", "speed", "trust", "accuracy", "effort")
SENTIMENTS = (NEGATIVE, NEUTRAL, POSITIVE)

# (text, ((theme, sentiment), ...)). The first label is the template's primary theme.
COMMENT_TEMPLATES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("The explanation was clear and easy to follow.", (("clarity", POSITIVE),)),
    ("Finally an answer that made sense to me.", (("clarity", POSITIVE),)),
    ("I understood exactly why the change was made.", (("clarity", POSITIVE),)),
    ("The reply was not clear at all.", (("clarity", NEGATIVE),)),
    ("Confusing answer, I still don't understand what happened.", (("clarity", NEGATIVE),)),
    ("Too much jargon, the steps were unclear.", (("clarity", NEGATIVE),)),
    ("The explanation was okay, a bit long.", (("clarity", NEUTRAL),)),
    ("Clear enough, I guess.", (("clarity", NEUTRAL),)),
    ("The agent was friendly and patient.", (("tone", POSITIVE),)),
    ("Very polite, felt like they cared.", (("tone", POSITIVE),)),
    ("Not rude at all, actually very kind.", (("tone", POSITIVE),)),
    ("The tone was cold and robotic.", (("tone", NEGATIVE),)),
    ("Felt dismissive, nobody seemed to care.", (("tone", NEGATIVE),)),
    ("The reply was rude and condescending.", (("tone", NEGATIVE),)),
    ("The tone was fine, nothing special.", (("tone", NEUTRAL),)),
    ("Polite but generic.", (("tone", NEUTRAL),)),
    ("Quick response, solved in minutes.", (("speed", POSITIVE),)),
    ("The answer wasn't slow, which I appreciated.", (("speed", POSITIVE),)),
    ("Fast and to the point.", (("speed", POSITIVE),)),
    ("It took forever to get a response.", (("speed", NEGATIVE),)),
    ("Way too slow, I waited three days.", (("speed", NEGATIVE),)),
    ("Not fast enough for an urgent issue.", (("speed", NEGATIVE),)),
    ("Response time was about what I expected.", (("speed", NEUTRAL),)),
    ("It took a day, which is normal I suppose.", (("speed", NEUTRAL),)),
    ("I trust the recommendation, it was honest about the limits.", (("trust", POSITIVE),)),
    ("Reliable as always, I feel safe using it.", (("trust", POSITIVE),)),
    ("Transparent about why it suggested this.", (("trust", POSITIVE),)),
    ("I'm not sure I trust the assistant anymore.", (("trust", NEGATIVE),)),
    ("Felt like a sales trick, not honest advice.", (("trust", NEGATIVE),)),
    ("Doesn't feel reliable, I double check everything.", (("trust", NEGATIVE),)),
    ("I have no strong opinion on whether to trust it.", (("trust", NEUTRAL),)),
    ("Trust is building slowly.", (("trust", NEUTRAL),)),
    ("The answer was correct and fixed the problem.", (("accuracy", POSITIVE),)),
    ("Accurate information, exactly right for my account.", (("accuracy", POSITIVE),)),
    ("Nothing wrong with the answer this time.", (("accuracy", POSITIVE),)),
    ("The answer was wrong and made it worse.", (("accuracy", NEGATIVE),)),
    ("Incorrect instructions, the button does not exist.", (("accuracy", NEGATIVE),)),
    ("It gave me a mistake in the invoice amount.", (("accuracy", NEGATIVE),)),
    ("Mostly correct, one detail was off.", (("accuracy", NEUTRAL),)),
    ("Partly accurate.", (("accuracy", NEUTRAL),)),
    ("So easy, it took no effort at all.", (("effort", POSITIVE),)),
    ("I didn't have to repeat myself, great.", (("effort", POSITIVE),)),
    ("Effortless, one message and done.", (("effort", POSITIVE),)),
    ("I had to repeat myself three times.", (("effort", NEGATIVE),)),
    ("Too much hassle, I had to explain everything again.", (("effort", NEGATIVE),)),
    ("It was hard to get to a human.", (("effort", NEGATIVE),)),
    ("It took some effort but it worked out.", (("effort", NEUTRAL),)),
    ("A few steps more than needed.", (("effort", NEUTRAL),)),
    ("Fast, but the answer was wrong.", (("speed", POSITIVE), ("accuracy", NEGATIVE))),
    (
        "Friendly, but I still don't understand the charge.",
        (("tone", POSITIVE), ("clarity", NEGATIVE)),
    ),
    ("Clear and quick, thank you.", (("clarity", POSITIVE), ("speed", POSITIVE))),
    ("Slow and I had to repeat myself.", (("speed", NEGATIVE), ("effort", NEGATIVE))),
    ("Thanks.", ()),
    ("No comment.", ()),
)

_BY_LABEL: dict[tuple[str, str], list[int]] = {}
for _i, (_text, _labels) in enumerate(COMMENT_TEMPLATES):
    if _labels:
        _BY_LABEL.setdefault(_labels[0], []).append(_i)
_LOOKUP = np.zeros((len(THEMES), len(SENTIMENTS), 4), dtype=np.int64)
_LOOKUP_N = np.zeros((len(THEMES), len(SENTIMENTS)), dtype=np.int64)
for (_theme, _sent), _idx in _BY_LABEL.items():
    _t, _s = THEMES.index(_theme), SENTIMENTS.index(_sent)
    _LOOKUP_N[_t, _s] = min(len(_idx), 4)
    _LOOKUP[_t, _s, : _LOOKUP_N[_t, _s]] = _idx[:4]
_MIXED = np.array([i for i, (_, labels) in enumerate(COMMENT_TEMPLATES) if len(labels) > 1])
_PLAIN = np.array([i for i, (_, labels) in enumerate(COMMENT_TEMPLATES) if not labels])


def comment_templates(
    rng: np.random.Generator, theme: np.ndarray, sentiment: np.ndarray
) -> np.ndarray:
    """Template index per comment for theme / sentiment codes (into THEMES / SENTIMENTS).

    About 8% of comments use a two-theme template and 4% an unthemed one.
    """
    n = len(theme)
    counts = _LOOKUP_N[theme, sentiment]
    pick = (rng.random(n) * counts).astype(np.int64)
    out = _LOOKUP[theme, sentiment, pick]
    u = rng.random(n)
    mixed = u < 0.08
    out[mixed] = _MIXED[rng.integers(len(_MIXED), size=int(mixed.sum()))]
    plain = (u >= 0.08) & (u < 0.12)
    out[plain] = _PLAIN[rng.integers(len(_PLAIN), size=int(plain.sum()))]
    return out


def template_labels() -> list[dict]:
    return [
        {"text": text, "labels": [{"theme": t, "sentiment": s} for t, s in labels]}
        for text, labels in COMMENT_TEMPLATES
    ]


def pick(texts: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    return pa.array(list(texts), type=pa.string()).take(pa.array(np.asarray(index, np.int64)))


def pick_nullable(texts: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    index = np.asarray(index, dtype=np.int64)
    return pa.array(list(texts), type=pa.string()).take(
        pa.array(np.maximum(index, 0), mask=index < 0)
    )


def with_contact(
    rng: np.random.Generator,
    texts: pa.Array,
    rows: np.ndarray,
    emails: pa.Array,
    phones: pa.Array,
) -> pa.Array:
    """Append a sentence with an e-mail address or phone number to ``texts[rows]``.

    ``emails`` and ``phones`` hold one value per selected row.
    """
    if len(rows) == 0:
        return texts
    use_email = pa.array(rng.random(len(rows)) < 0.6)
    lead_e = pick(CONTACT_LINES_EMAIL, rng.integers(len(CONTACT_LINES_EMAIL), size=len(rows)))
    lead_p = pick(CONTACT_LINES_PHONE, rng.integers(len(CONTACT_LINES_PHONE), size=len(rows)))
    lead = pc.if_else(use_email, lead_e, lead_p)
    contact = pc.if_else(use_email, emails, phones)
    base = texts.take(pa.array(rows))
    joined = pc.binary_join_element_wise(base, " ", lead, contact, ".", "")
    mask = np.zeros(len(texts), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(texts, pa.array(mask), joined)
