"""The boilerplate that extractors leave in an article's body: prompts, share bars, credits, link lists.

Every rule looks at one paragraph, and only at short ones: a real article sentence that mentions a newsletter
or a subscription is long, while a prompt is a line or two. A few labels ("Related", "Read more") also take
the link list that follows them. Rules are written for English first, with the cheap equivalents of a few
other languages beside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A paragraph longer than this is taken for article text whatever it says.
_SHORT_WORDS = 45
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Labels that are boilerplate when they make up the whole paragraph.
_WHOLE = _rx(
    r"advertisement|advertising|anzeige|publicidad|publicidade|pubblicità|publicité|sponsored( content)?",
    r"(story|article) continues (below|after)( (the )?advert(isement)?)?",
    r"(show|hide|view|load|read|see|post|leave) (all |the |\d+ )?(comments?|replies)",
    r"\d* ?comments?|comentários?|commentaires?|kommentare?|commenti",
    r"(share|share this|share this (article|story|post|page))( on \w+)?|tweet|email|print|pin it|whatsapp",
    r"compartilh[ae]r?|compartir|partager|teilen|condividi",
    r"read more|read (the )?full (story|article)|continue reading|see more|show more|more|view more",
    r"leia (também|mais)|lee también|lire aussi|weiterlesen|mehr zum thema|leggi anche",
    r"related( (articles?|stories|posts|links|content|coverage|topics))?|recommended( for you)?",
    r"(most )?(read|popular|viewed|shared)( (now|today|stories|articles|in [\w ]+))?|trending( now)?",
    r"(you (may|might) also like|more (from|on) [\w .]+|don'?t miss|must read|top stories|latest news)",
    r"tell us what you think|what do you think\?|join the (conversation|discussion)",
    r"(sign up|subscribe)( now| today| here)?|log ?in|sign in|register",
    r"abonnieren|assine|suscríbete|abonnez-vous",
    r"follow us|follow (us )?on (twitter|facebook|instagram|linkedin|youtube|tiktok)",
    r"(image|photo|picture|video)( credit)?s?|credits?|getty images|shutterstock|reuters|afp|ap photo",
    r"tags?|topics?|categories|filed under|posted in|schlagworte|etiquetas",
    r"back to top|top|skip (to )?(content|ad)|close|×|x",
    # article toolbars and the messages of their share-by-email forms
    r"(order |buy )?reprints?( (&|and) permissions)?|print( this)?( article| story| page)?",
    r"e-?mail (this )?(article|story)|(this )?(article|story) has been sent to",
    r"thank you( for (signing up|subscribing))?",
    r"(an )?error (has )?occurred\b.{0,60}",
)

# Openings that make a short paragraph boilerplate.
_STARTS = _rx(
    r"(read|see|watch|listen) (more|also|next|now)\b\s*[:\-–—|]?",
    r"(also read|also see|more|related|recommended|see also)\s*[:\-–—|]",
    r"related (article|story|coverage|content)s?\s*[:\-–—|]",
    r"leia (também|mais)|veja (também|mais)|lee también|lea también|lire aussi|à lire aussi|mehr zum thema|"
    r"lesen sie (auch|mehr)|leggi anche",
    r"(follow|like) (us|\w+(\s\w+){0,3}) on (twitter|facebook|instagram|linkedin|youtube|tiktok|threads)\b",
    r"follow (ap|reuters|afp)'?s? (full )?coverage\b",
    r"(more|follow) (ap|reuters|afp)\b.*:\s*https?://",
    r"click (here|this link) (to|for)\b",
    r"(sign up|subscribe|register)\b.{0,80}\b(newsletter|inbox|e-?mail|daily|weekly|alerts?|updates|podcast)"
    r"\b",
    r"(get|receive) (the|our) [\w' ]{0,40}(newsletter|briefing|alerts?|updates)\b",
    r"(this|the) (article|story|content) is (only )?(for|available to) (subscribers|members|premium)",
    r"(already|are you) a (subscriber|member)\b",
    r"subscribe (now |today )?to (continue|keep) reading",
    r"to continue reading,? (please )?(subscribe|log ?in|sign in)",
    r"(you have|you've) (reached|read) (your|all|\d+)\b.{0,40}\b(free )?(articles?|stories|limit)",
    r"if you (enjoyed|liked|value|appreciate) (this|our) (article|story|journalism|reporting|content)",
    r"support (our|independent|quality) journalism\b",
    r"copyright\s*(©|\(c\))?\s*\d{4}|©|\(c\)\s*\d{4}",
    r"this (copy|material) (is for your personal|may not be (published|reproduced))",
    r"(all rights reserved|todos os direitos reservados|todos los derechos reservados|tous droits réservés)",
    r"(photo|image|picture|foto|bild|imagem|imagen)s?( credit| by| courtesy)?s?\s*[:©]",
    r"\((photo|image|picture|video)s?( credit| by| courtesy)?s?\b[^)]{0,80}\)$",
    r"(main |top |header |lead |featured )?(image|photo|picture)s? (credit|courtesy|via)\b",
    r"(we|this (site|website)) uses? cookies|by (continuing to use|using) (this|our) (site|website)",
    r"(share|share this|share on)\s*[:|]?\s*(facebook|twitter|e-?mail|whatsapp|linkedin)",
    r"(filed under|posted in|tagged( with)?|tags|topics|categories|publicado (por|em)|publicado el)\s*:",
    r"(tempo de leitura|reading time|lesezeit|tiempo de lectura|temps de lecture)\s*:",
    r"\d+\s*(min(ute)?s?|minutos|minuten) (read|de leitura|de lectura|lesezeit)\b",
    r"(have a (news )?tip|got a (news )?tip|send us a tip)\b",
    r"[\w.' -]{2,60} (may|can) be reached at\b",
    r"(last )?(updated|published|posted)( on| at)?\s*:?\s*[\w ,.:/-]{0,40}$",
    r"(e-?mail|contact|reach|write to) (the )?(reporters?|writers?|authors?|[\w.' -]{2,40}) at \S+@",
    r"reach the (reporters?|writers?|authors?)\b",
    r"source\s*:\s*(news agencies|agencies|wires?)\b",
    r"(reporting|additional reporting|writing|editing) by\b",
    r"[\w.'’ -]{2,60} contributed (reporting )?to this (report|story|article)",
    r"(download|listen|subscribe)( to| on)? (the |our )?"
    r"(podcast|app|itunes|spotify|apple podcasts|google podcasts)",
    r"(itunes|spotify|apple podcasts|google podcasts|download|listen)\s*:\s*https?://",
    r"how to listen to\b",
    r"(to order|for) (presentation-ready )?(reprints|copies)\b",
)

# Phrases that give a short paragraph away wherever they stand in it.
_ANYWHERE = _rx(
    r"\bsign up (for|to) (the |our )?[\w'’ ]{0,40}(newsletter|alerts)\b",
    r"\bnewsletters? (delivered )?(right )?(to|in) your inbox\b",
    r"\bfollow [\w@.'’ ]{1,60} on (twitter|facebook|instagram|linkedin|youtube|tiktok)\b",
    r"\bget access to\b.{0,80}\bsubscri",
    r"\b\d+ issues for\b",
    r"\bwrite to [\w.'’ -]{2,60} at \S+@",
    r"\bwe(’|')?d (like|love) to hear (what you think|from you)\b",
)

# Openings of promotions and notices that run longer than a short paragraph but say nothing of the story.
_LONG_STARTS = _rx(
    r"this (copy|material) is for your personal\b",
    r"if you (enjoyed|liked|value|appreciate) (this|our) (article|story|journalism|reporting|content)\b",
    r"get access to\b.{0,120}\bsubscri",
)
_LONG_WORDS = 150

# Tabloids end teaser links to other stories with an all-caps label: "Storm hits coast [VIDEO]".
_TEASER = re.compile(r"^.{8,200}\[[A-Z][A-Z ]{1,20}\]\W*$")


# A line that is nothing but a date (and maybe a time), or a byline with one: metadata, not story.
def _wordset(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_DATE_WORDS = _wordset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september",
    "oct october nov november dec december mon monday tue tues tuesday wed wednesday thu thurs thursday",
    "fri friday sat saturday sun sunday",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "enero febrero marzo mayo junio julio agosto septiembre octubre noviembre diciembre",
    "segunda terça quarta quinta sexta feira sábado domingo lunes martes miércoles jueves viernes",
)
_DATE_FILLER = _wordset(
    "am pm at on of de del à às um gmt utc et est edt pst pdt bst cet updated published posted"
)
_BYLINE_DATE = re.compile(r"by [\w.'’ -]{2,40}\s*[-–—|·,]\s*\d{4}-\d{2}-\d{2}\b.{0,20}$", re.IGNORECASE)

# Press releases end with the issuer's own description ("About Acme", "Acme is a leading provider of ...").
_ABOUT_ISSUER = _rx(
    r"about [\w&.'’ -]{2,40}",
    r"[\w&.'’ -]{2,40} is (a|an|the) ([\w-]+ ){0,5}(provider|company|manufacturer|supplier|developer|maker|"
    r"leader|firm|group|organi[sz]ation)\b.*",
    r".{0,200}\b(is|are) headquartered in\b.*",
)

# Labels after which the publisher lists links to other stories, one a line.
_LIST_HEADER = _rx(
    r"(related|more|recommended|see also|also read|read more|more stories|more news|most read|popular|"
    r"trending|don'?t miss|you (may|might) also like|further reading|leia também|veja também|lee también|"
    r"lire aussi|mehr zum thema|leggi anche)( (articles?|stories|coverage|content|links|in [\w ]+))?\s*[:.]?"
    # "More great Wired stories", "More top reads"
    r"|more( [\w'’]+){0,3} (stories|articles|news|reads|coverage)\s*[:.]?",
)
# A list item ("- text") of a few words, the shape of a headline in a link list.
_LIST_ITEM = re.compile(r"^[-•*·]\s*\S.{0,200}$")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def is_list_header(text: str) -> bool:
    """A label ("Related stories") under which a page lists links to other stories."""
    text = _normal(text)
    return _words(text) <= 8 and bool(_LIST_HEADER.fullmatch(text.strip(" -–—|•·*»›>")))


def _is_date_line(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    named = any(w in _DATE_WORDS for w in words)
    return (
        named
        and any(w.isdigit() for w in words)
        and all(w.isdigit() or w in _DATE_WORDS or w in _DATE_FILLER for w in words)
    )


def is_boilerplate(paragraph: str) -> bool:
    """A short paragraph that only serves the site (prompts, credits, share bars), not the story."""
    text = _normal(paragraph)
    if not text or not _WORD.search(text):
        return not text  # "___" and "* * *" separate parts of a story; an empty line is nothing
    words = _words(text)
    if words > _SHORT_WORDS:
        return words <= _LONG_WORDS and bool(_LONG_STARTS.match(text))
    bare = text.strip(" \t-–—|•·*:.!?»›>()[]")
    if _WHOLE.fullmatch(bare) or _TEASER.match(text) or _BYLINE_DATE.match(text):
        return True
    if words <= 12 and _is_date_line(text):
        return True
    return bool(
        _STARTS.match(text) or _STARTS.match(bare) or _ANYWHERE.search(text) or _LONG_STARTS.match(text)
    )


def clean_paragraphs(paragraphs: Sequence[str]) -> tuple[str, ...]:
    """Drops boilerplate paragraphs and the link lists under a "Related"-style label."""
    kept: list[str] = []
    in_link_list = False
    for raw in paragraphs:
        text = _normal(raw)
        if not text:
            continue
        if in_link_list and _LIST_ITEM.match(text) and _words(text) <= 20:
            continue
        in_link_list = False
        if is_list_header(text):
            in_link_list = True
            continue
        if not is_boilerplate(text):
            kept.append(text)
    return _drop_issuer_description(kept)


def _drop_issuer_description(kept: list[str]) -> tuple[str, ...]:
    """The trailing "About the company" paragraphs of a press release, when the story comes before them."""
    end = len(kept)
    while end > 1 and _words(kept[end - 1]) <= 120 and _ABOUT_ISSUER.fullmatch(kept[end - 1]):
        end -= 1
    if end < len(kept) and sum(_words(p) for p in kept[:end]) >= 60:
        return tuple(kept[:end])
    return tuple(kept)
