"""The word lists of the assistant, in one place: stopwords, question words, follow-up markers,
function words for language detection, sentence abbreviations.

Plain lower-case words, no analysis: a user that needs stems (the evidence check) analyses the
list itself. Living in `ingest/`, the lowest layer, every package may import them.

>>> "welke" in DUTCH_STOPWORDS and "art" in ABBREVIATIONS
True
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Index terms: Snowball's Dutch stopword list plus question words and pronouns that carry no
# topic. Negations ("niet", "geen") are dropped as well: keeping them changed no metric in the bench.
DUTCH_STOPWORDS = _words(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
    een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
    ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu
    of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want
    waren was wat we werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zonder zou
    welke welk waar waarom wanneer hoeveel jullie hen onze mag moeten kunt des den ter
    """
)

# Language detection of a question: the commonest function words of Dutch, English and French.
DUTCH_FUNCTION_WORDS = _words("de het een en van is zijn wat wie welke hoe waar wanneer waarom ik je u er in op voor met niet ook")
ENGLISH_FUNCTION_WORDS = _words(
    """
    the a an and of is are was what who which how where when why does do did can could should would in on for
    with to this that it its their there
    """
)
FRENCH_FUNCTION_WORDS = _words(
    """
    le la les un une des du est sont que qui quel quelle quels quelles comment pourquoi où quand fait font
    avec pour dans sur au aux ce cette ces et
    """
)

# Evidence check: question words and light verbs say what kind of answer is wanted, not what it
# is about (the evidence module stems them).
QUESTION_TERM_WORDS = _words(
    "waaruit waarin waarvoor waarmee waarover waarop waarom waar wanneer hoeveel hoe welke welk wat wie "
    "bestaan bestaat bestond doet doen deed gebeurt gebeurde kan kunnen moet moeten mag mogen "
    "zit zitten staat staan heet heten gaat gaan krijg krijgt krijgen vind vindt graag weten "
    "rol speelt spelen betekent betekenen houdt binnen tussen via per sinds tijdens vlakbij dichtbij "
    "word wordt worden werd werden bent hebt kun kunt wil wilt zal zult hoog lang groot veel vaak duur ver oud "
    "daarin daarvan daarover daarmee daarbij daarvoor hierin hiervan hierover hiermee erin ervan erover ermee"
)
# Evidence check: the first word of a question in Dutch, English or French.
QUESTION_OPENERS = _words(
    "wat wie welke welk waar wanneer waarom hoe hoeveel waaruit waarin waarvoor waarmee waarover "
    "what who which where when why how quel quelle quels quelles qui que où quand pourquoi comment"
)
# Evidence check: question words after which a Dutch question's finite verb follows directly
# (verb second: "Wie beslist ...?").
V2_OPENERS = _words("wie wat waar wanneer waarom waaruit waarin waarvoor waarmee waarover")

# Follow-ups: pronominal adverbs always point back to the previous turn ("Wie zit daarin?").
POINTING_BACK = _words(
    """
    daarin daarvan daarover daarmee daarbij daarvoor daaraan daarop daaruit daarna hierin hiervan hierover
    hiermee hiervoor hieraan hierbij erin ervan erover ermee erbij ervoor eraan erop eruit
    """
)
# Follow-ups: pronouns and openers point back only in a short follow-up ("En wie zit in die commissies?").
REFERRING = _words(
    """
    die dat deze dit ze zij hij hem haar hun hen zijn er daar hier en ook nog dan
    it they them their its this that those these there and also
    il elle ils elles leur leurs cela ça et aussi
    """
)
# Follow-ups: question words and light verbs carry no topic; they are not carried over.
QUESTION_WORDS = _words(
    """
    waaruit waarin waarvoor waarmee waarover waarop hoeveel welke welk wat wie waar wanneer waarom hoe
    bestaan bestaat doet doen gebeurt kan kunnen moet moeten mag mogen zit zitten staat staan heet
    what which who where when why how does do is are
    """
)

# Sentence splitting: abbreviations (lower-case, without the final dot), kept out of sentence
# ends even before a capital.
ABBREVIATIONS = _words(
    """
    a.d.h.v a.i afd al alg art artt betr bijv bijz blz b.s bs bv ca cf d.d d.i d.m.v d.w.z dd decr
    dhr dr drs e.v ev evt excl fig gem hfdst i.c i.e i.h.b i.p.v i.s.m i.v.m incl ing ir jl jr
    kb lid m.a.w m.b.t m.i m.n mevr mgr mr mw n.a.v nl nr nrs o.a o.b.v o.i o.l.v o.m p p.a pag
    par pp prof prov resp sr st t.a.v t.b.v t.o.v t.w tel vb vgl vnl vs w.o z.g.a.n z.s.m zgn
    jan feb febr mrt apr jun jul aug sep sept okt nov dec
    """
)
# Sentence splitting: abbreviations that usually close an enumeration; before a capital they end
# the sentence.
END_CAPABLE = frozenset({"enz", "etc", "edm", "e.d", "e.a", "e.d.m", "e.v.a", "usw"})
# Sentence splitting: words of a number label ("Artikel 5.", "punt 3.") that do not end a sentence.
REFERENCE_WORDS = frozenset(
    {"artikel", "art", "hoofdstuk", "afdeling", "titel", "deel", "punt", "lid", "nr", "§",
     "vraag", "bijlage"}
)

# Line joining: a line ending in "ervarings-" followed by one of these is a compound ellipsis
# ("ervarings- en kennisdeling"), not a hyphenated line break.
COORDINATORS = frozenset({"en", "of", "tot", "noch", "als", "en/of", "and", "or"})
# Heading detection: small words that may stay lower-case in a title-cased heading.
LOWERCASE_PARTICLES = frozenset({
    "de", "het", "een", "van", "en", "der", "den", "voor", "in", "op", "met", "te", "tot",
    "aan", "bij", "of", "om", "over", "uit", "per", "naar", "als", "door", "the", "and", "of",
})
