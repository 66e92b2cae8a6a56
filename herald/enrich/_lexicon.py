"""Word lists the entity finder leans on: words that are capitalised without being names, titles that announce
a person, and the words that make a name an organisation's. All compared lower-case."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised at the start of a sentence (or in a title-case headline) without naming anything.
STOPWORDS = _words(
    """
    a an the this that these those there here it its it's he she they we i you me him her them us his hers
    their theirs our ours my mine your yours who whom whose what which when where why how whatever whoever
    and but or nor so yet for because although though while whereas if unless until since as than then
    after before during despite without within among between against about above below under over into onto
    upon from to of in on at by with via per like unlike near toward towards through throughout across
    along around behind beyond off out up down not no yes all any both each every either neither few many
    most much more less least some several such other another same own only just even also too very still
    already again ever never always often sometimes perhaps maybe however meanwhile moreover furthermore
    nevertheless instead indeed therefore thus hence otherwise anyway besides according regardless
    today tonight yesterday tomorrow now soon later earlier last next first second third
    one two three four five six seven eight nine ten hundreds thousands millions
    is are was were be been being am do does did done have has had will would shall should can could
    may might must let please thanks thank hello hi dear oh ok okay well mr mrs ms dr sir madam
    said says asked told added noted reported officials police authorities government state city
    breaking update updated exclusive watch video photos photo live read more see click opinion analysis
    editorial review report news story why what's here's there's let's don't can't won't it'll i'm
    """
)
# Sentence starters of French, Spanish, Italian, Portuguese and German news; unlike the English ones, some of
# them sit inside names ("Marine Le Pen", "Gaetano Lo Presti"), so they are dropped only at a sentence start.
FOREIGN_SENTENCE_STARTERS = _words(
    """
    le la les un une des du selon mais et pour dans sur avec après avant depuis il elle ils elles nous on ce
    cette ces son sa ses leur leurs el los las una unos unas pero según con por para en tras der die das ein
    eine und aber nach mit für im am zum zur lo gli uno ma secondo nel o os um uma mas segundo com
    """
)

MONTHS_AND_DAYS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """
)

# Dates that stick to a run of capitals ("on Monday", "Begins March") without belonging to the name; months
# that are also first names (April, May, June, August) are left out.
CALENDAR_WORDS = _words(
    """
    january february march september october november december jan feb sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    """
)

# Capitalised words that are not names by themselves, even in the middle of a sentence.
GENERIC = _words(
    """
    god internet web christmas easter ramadan eid thanksgiving halloween new year years day week weekend
    north south east west northern southern eastern western central
    president minister prime premier chancellor king queen prince princess pope senator governor mayor
    chairman chairwoman chief secretary judge court police army navy government parliament congress senate
    party ministry university bank council agency commission union company group department committee
    church state city county republic kingdom empire federal national international royal act
    """
)

# Words written with a full stop that does not end the sentence: "Mr. Smith", "Acme Co. said".
ABBREVIATIONS = _words(
    "mr mrs ms dr st jr sr gen sen rep gov lt col capt sgt prof rev mt no vs inc corp co ltd"
)

# Inside a run these join capitalised words into one name: "Bank of England", "Ludwig van Beethoven".
CONNECTORS = _words("of de del della di da dos das du des la le al el bin ibn van von der den ter y e")
NAME_PARTICLES = _words("de del della di da dos das du des la le al el bin ibn van von der den ter")
# Lower-case prefixes glued to a capitalised name by a hyphen or apostrophe: "al-Assad", "d'Estaing".
GLUED_PREFIXES = _words("al el ad an as ash at az bin ibn abu abd d l o")

# Formal titles written before a name, capitalised: "President Emmanuel Macron", "Mr Smith".
PERSON_TITLES = _words(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend president vice-president premier
    chancellor minister senator sen governor gov rep representative congressman congresswoman mayor
    ambassador judge justice attorney secretary spokesman spokeswoman king queen prince princess pope
    cardinal archbishop bishop rabbi imam sheikh emir sultan gen colonel col maj captain capt lieutenant lt
    sergeant sgt commander admiral detective inspector constable sheriff chief ceo chairman chairwoman coach
    surgeon undersheriff qb deputy officer prosecutor commissioner superintendent trooper agent
    """
)
# Lower-case words just before a capitalised run that say it is a person: "actress Tara Reid".
ROLE_NOUNS = PERSON_TITLES | _words(
    """
    founder director manager striker midfielder defender goalkeeper quarterback pitcher player actor
    actress singer rapper star producer author writer novelist artist comedian host presenter journalist
    reporter anchor leader chairperson candidate lawmaker mp mep dj boss officer general widow wife
    husband son daughter mother father brother sister suspect victim
    """
)
# Words that may sit between a title and the name: "Prime Minister", "Foreign Minister", "Attorney General".
TITLE_MODIFIERS = _words(
    """
    prime foreign interior defence defense finance health home justice education labour labor energy trade
    environment culture transport economy state general executive vice deputy assistant acting former
    late chief head supreme grand first shadow junior senior financial operating technical marketing
    """
)

# A name starting or ending with one of these is an organisation's.
ORG_WORDS = _words(
    """
    inc inc. corp corp. corporation co co. ltd ltd. llc plc ag gmbh sa nv spa
    party ministry university college school academy institute institution bank council agency court
    police army navy force forces command commission union association company group department
    committee parliament congress senate fund foundation organization organisation fc united club
    society league federation federations board authority office service services bureau network
    airlines airways motors industries holdings technologies systems labs laboratories pharmaceuticals
    times post journal tribune herald gazette news press media television radio tv broadcasting
    hospital clinic center centre museum house church cathedral mosque synagogue temple assembly
    government administration cabinet coalition front movement alliance brigade brigades militia
    guard guards team reserve exchange survey advisors partners capital associates consulting solutions
    patrol enterprises ventures brands studios records pictures entertainment software communications telecom
    """
)

# A name ending with one of these is a place's.
PLACE_WORDS = _words(
    """
    street st avenue ave road rd boulevard square bridge airport station stadium arena river lake mountain
    mountains mount island islands valley beach route highway interstate bay county province region district
    state city town village sea
    ocean gulf strait canal desert forest peninsula coast harbour harbor port heights hills falls park
    """
)
# ... and so is one starting with one of these: "Gulf of Aden", "Lake Victoria", "Mount Everest".
PLACE_PREFIXES = _words(
    """
    gulf bay strait sea lake mount mt cape isle fort port river san santa los las place plaza piazza rue
    north south east west northern southern eastern western central upper lower greater
    """
)

# Two capitalised words ending in one of these are an event, a work or a thing, not a person.
OTHER_WORDS = _words(
    """
    cup open games championship championships tournament series award awards prize festival show day
    week act bill law treaty agreement accord war crisis summit conference election elections olympics
    trophy grand prix marathon album film movie book season episode edition game
    """
)

# All-capital words that are not organisations' names.
NOT_ACRONYMS = _words(
    """
    tv am pm ceo cfo coo cto gdp dna rna id ok ii iii iv vi vii viii ix xi xii xiv xx ad bc usd eur gbp gmt
    utc est pst edt pdt cet hiv aids covid ai pc faq pdf url rip lol omg vs st mr mrs dr jr sr
    a i ha uh no yes et pt ct suv gps lte usb hd lcd led cd dvd sms mph kph km kg mb gb tb atm vip diy iq ip
    td mvp
    """
)
