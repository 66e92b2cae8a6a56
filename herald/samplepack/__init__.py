"""Herald's sample pack: invented news outlets served over local HTTP, so ``make run`` has a populated site
with no internet while exercising the real fetch, parse, extract and store path.

Every outlet, person, place and event in it is fictional; the outlets' public domains use the reserved
``.example`` top-level domain.
"""

from herald.samplepack._data import SECTIONS, Outlet, Pack, PackArticle, load_pack
from herald.samplepack._server import SamplePackServer
from herald.samplepack._sources import sample_sources

__all__ = ["SECTIONS", "Outlet", "Pack", "PackArticle", "SamplePackServer", "load_pack", "sample_sources"]
