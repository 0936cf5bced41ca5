"""Body text: which element of a page holds the article, and its paragraphs.

``main_text`` is the generic extractor for pages without a body selector: it picks the
container the page marks itself (``itemprop=articleBody``, a CMS content class,
``<article>``) when that container holds the page's prose, else the element whose
paragraphs weigh most, walks it without the furniture and link lists inside it
(``pruning.py``, with ``boilerplate.py``'s vocabularies), and keeps the blocks that belong
to the article (``blocks.py``). Page-wide work is
CSS queries and Lexbor's own text walk; Python loops over paragraphs, candidate elements
and the chosen container, never over every node of the page.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import CUT, ENDS_SENTENCE, MAX_LINK_DENSITY, Block, article_blocks, walk
from .boilerplate import (
    CONTENT,
    FURNITURE,
    NEUTRAL,
    PAGE_CONTENT,
    STANDFIRST_CSS,
    is_overlay,
    is_standfirst,
    marker_kind,
    node_marker,
)
from .parts import MAX_DEPTH as _MAX_DEPTH
from .parts import MIN_PROSE_CHARS as _MIN_PROSE_CHARS
from .parts import ancestors, body_parts
from .pruning import FURNITURE_ROLES, WALK_SKIP, furniture_pruner, story_form
from .visibility import closable, hides, shown_twin

__all__ = ["choose_container", "main_text", "other_stories", "remove_nodes"]

# Elements whose text counts as prose when weighing containers, and the line breaks of text
# written without them (found in one query).
_PROSE_OR_BREAK = ":is(p, pre, blockquote, br)"
_PROSE_TAGS = frozenset({"p", "pre", "blockquote"})
_TEXT_HOLDERS = "div, section, article, td, span, font, center, main"
# A marked container must hold a prose cluster at least this share of the heaviest one, else
# it is a teaser card or a summary box (scrapinghub: 0.4-0.8 give the same F1).
_MARKER_SHARE = 0.6
_HEAVY = 3  # clusters looked at for that (1-5: same F1)
# Paragraphs wrapped one by one count as one unit when together at least this many times
# the heaviest single cluster: a story against an author's bio is 8:1 or more; a box of
# four one-paragraph teasers against a two-paragraph story 1:1 (half A of both dev sets:
# 1.5-4 give the same F1).
_PARTS_OUTWEIGH = 2
# A cluster is vetoed by the class of its own holder only: higher up, page wrappers carry
# layout words ("has-sidebar", "modal-enabled") over the article too (scrapinghub F1: 0.973
# trusting 1 level, 0.968 with 2, 0.965 with 4, 0.954 with 6). Tags (footer, aside, nav)
# are trusted at any height.
_FURNITURE_LEVELS = 1
WEAK, STRONG = 1, 2  # how surely a cluster is furniture (see _furniture)
_COMMON_CLUSTERS = 8  # heavy clusters whose common ancestor is the fallback container
_HEAVY_SHARE = 0.5  # heavy: half the heaviest cluster (half A of both sets: 0.5-0.7 alike)
_MIN_BODY_CHARS = 200  # below this a container is a teaser, not a body (100-300: same F1)
_MARK = "data-newsarchive-drop"
# A standfirst is looked for among the elements before a marked body, beside it and beside
# its parent (the "article-header" or "intro" box of the same article wrapper), and counts
# when it is prose: a paragraph ending like a sentence, not a label or a link.
_STANDFIRST_LEVELS = 2


def remove_nodes(root: LexborNode, nodes: list[LexborNode]) -> None:
    """Decompose ``nodes``, outermost first only.

    Older selectolax releases free a decomposed subtree, so a descendant of a removed node
    must never be touched again; Lexbor's own selector engine finds those descendants.
    """
    if not nodes:
        return
    for node in nodes:
        node.attrs[_MARK] = ""
    nested = {node.mem_id for node in root.css(f"[{_MARK}] [{_MARK}]")}
    for node in nodes:
        if node.mem_id not in nested:
            node.decompose()


def _length(node: LexborNode) -> int:
    return len(node.text(separator=" ", strip=True))  # about the folded length, in C


def _furniture(holder: LexborNode, memo: dict[int, bool]) -> int:
    """How surely a prose cluster is furniture: STRONG inside a footer, aside, nav, consent
    banner or pop-up layer; WEAK when its holder's own class names furniture (comments,
    related box, paywall prompt); 0 otherwise. A hidden page of a paged article is judged
    by its shown twin (``shown_twin``): "section hidden" is what "section" is."""
    if _in_strong_furniture(holder, memo):
        return STRONG
    if marker_kind(node_marker(holder)) != FURNITURE:
        return 0
    twin = shown_twin(holder)  # asked only of the few marked holders, as the pruner does
    return WEAK if twin is None or marker_kind(node_marker(twin)) == FURNITURE else 0


def _in_strong_furniture(node: LexborNode | None, memo: dict[int, bool]) -> bool:
    """Whether ``node`` or an ancestor is a footer, aside, nav (by tag or ARIA role), consent
    banner, pop-up or hidden element; ``memo`` keeps the answer per element, so clusters
    sharing ancestors walk them once."""
    path: list[int] = []
    found = False
    while node is not None and (tag := node.tag) not in ("body", "html") and \
            len(path) < _MAX_DEPTH:
        key = node.mem_id
        if key in memo:
            found = memo[key]
            break
        path.append(key)
        attrs = node.attributes  # one dict: cheaper than four Lexbor look-ups
        if tag in ("footer", "aside", "nav") or attrs.get("role") in FURNITURE_ROLES or \
                is_overlay(f"{attrs.get('class') or ''} {attrs.get('id') or ''}") or \
                (hides(attrs) and shown_twin(node) is None) or closable(node):
            found = True
            break
        node = node.parent
    for key in path:
        memo[key] = found
    return found


def _clusters(nodes: list[LexborNode], direct: bool) -> dict[int, tuple[int, LexborNode]]:
    """Prose length per element holding it: the parents of ``nodes``, or (with ``direct``)
    the nodes themselves by the text written directly in them."""
    clusters: dict[int, tuple[int, LexborNode]] = {}
    for node in nodes:
        holder = node if direct else node.parent
        if holder is None or (direct and holder.mem_id in clusters):
            continue
        length = len(node.text(deep=not direct, separator=" ", strip=True))
        if length >= _MIN_PROSE_CHARS:
            key = holder.mem_id
            clusters[key] = (clusters.get(key, (0, holder))[0] + length, holder)
    return clusters


def _prose_clusters(root: LexborNode) -> list[tuple[int, LexborNode]]:
    """Elements holding paragraphs, heaviest first, furniture left out.

    Text written between line breaks straight into an element counts as well (bodies
    without ``<p>``: a forum post, an old CMS, a news site's ``body_txt``); pages with
    neither (9 of the 181 scrapinghub pages have no ``<p>`` prose) are weighed by the
    direct text of their block elements instead.
    """
    prose: list[LexborNode] = []
    breaks: list[LexborNode] = []
    for node in root.css(_PROSE_OR_BREAK):  # one walk of the page, not one per selector
        (breaks if node.tag == "br" else prose).append(node)  # each tag read once
    clusters = _clusters(prose, direct=False)
    lines: dict[int, tuple[int, LexborNode]] = {}
    for br in breaks:
        holder = br.parent  # a <p> with line breaks is prose already, counted for its parent
        if holder is not None and holder.tag not in _PROSE_TAGS and holder.mem_id not in lines:
            length = len(holder.text(deep=False, separator=" ", strip=True))
            lines[holder.mem_id] = (length, holder)
    for key, (length, holder) in lines.items():
        if length >= _MIN_PROSE_CHARS:
            clusters[key] = (clusters.get(key, (0, holder))[0] + length, holder)
    ranked = _kept(clusters)
    if sum(n for n, _ in ranked) < _MIN_BODY_CHARS:
        ranked = _kept(_clusters(root.css(_TEXT_HOLDERS), direct=True))
    return ranked


def _kept(clusters: dict[int, tuple[int, LexborNode]]) -> list[tuple[int, LexborNode]]:
    """Clusters heaviest first, furniture left out. A cluster only its own class calls
    furniture is kept when it outweighs all unmarked clusters together: furniture is small
    beside the article, so such a class is a misnomer ("read-more" on an expanding body, a
    publisher's "pmc-paywall" around the whole story)."""
    ranked = sorted(clusters.values(), key=lambda item: -item[0])
    memo: dict[int, bool] = {}
    kinds = [_furniture(holder, memo) for _, holder in ranked]
    unmarked = sum(n for (n, _), kind in zip(ranked, kinds, strict=True) if not kind)
    return [item for item, kind in zip(ranked, kinds, strict=True)
            if not kind or (kind == WEAK and item[0] > unmarked)]


def _best_scored(clusters: list[tuple[int, LexborNode]]) -> LexborNode | None:
    """Readability's rule: a cluster counts fully for its holder and half for the holder's
    parent, so the element around a run of paragraph groups wins; links discount it."""
    scores: dict[int, tuple[float, LexborNode]] = {}
    for length, holder in clusters:
        for share, node in ((1.0, holder), (0.5, holder.parent)):
            if node is not None and node.tag not in ("body", "html"):
                key = node.mem_id
                scores[key] = (scores.get(key, (0.0, node))[0] + share * length, node)
    best, best_score = None, 0.0
    for weight, node in sorted(scores.values(), key=lambda item: -item[0])[:5]:
        total = _length(node) or 1
        links = sum(_length(a) for a in node.css("a"))
        score = weight * (1 - min(1.0, links / total))
        if score > best_score:
            best, best_score = node, score
    return best


def _common_ancestor(clusters: list[tuple[int, LexborNode]]) -> LexborNode | None:
    """The nearest element holding every heavy cluster (half the heaviest or more):
    with no marked container, the page's prose region as a whole, its boilerplate left to
    the block rule (jusText judges whole pages). None when no element below <body> holds
    them all, unless the heaviest cluster sits in <body> itself (a plain document)."""
    heavy = [node for length, node in clusters if length >= _HEAVY_SHARE * clusters[0][0]]
    if heavy[0].tag == "body":
        return heavy[0]  # a plain document: paragraphs straight in <body>
    paths = []
    for node in heavy[:_COMMON_CLUSTERS]:
        path = []
        while node is not None and node.tag not in ("body", "html") and len(path) < _MAX_DEPTH:
            path.append(node.mem_id)
            node = node.parent
        paths.append(path)
    if not paths or not paths[0]:
        return None
    shared = set(paths[0]).intersection(*paths[1:])
    for key, node in zip(paths[0], ancestors(heavy[0]), strict=False):
        if key in shared:
            return node
    return None


def _tier(node: LexborNode) -> int:
    """How much a page's own markup vouches for ``node`` as the body: 0 (articleBody or a
    CMS content class), 1 (<article>), 2 (a page-content wrapper), 3 (<main>), 9 (none)."""
    if node.attrs.get("itemprop") == "articleBody":
        return 0
    kind = marker_kind(node_marker(node))
    if kind == CONTENT:
        return 0
    if node.tag == "article":
        return 1
    if kind == PAGE_CONTENT:
        return 2
    return 3 if node.tag == "main" else NEUTRAL


def _units(clusters: list[tuple[int, LexborNode]]) -> list[tuple[int, LexborNode]]:
    """Prose clusters and the elements around several of them (a body that wraps each
    paragraph in a div of its own), heaviest first: a box with one long paragraph (an
    author's bio, a pull quote, a teaser) then weighs less than the story around it.
    Clusters held by ``<article>`` elements are not summed: side by side, they are a list
    of other stories; and parts count as a unit only when they clearly outweigh the
    heaviest single cluster (else that one is the story, and the parts a box of teasers).
    """
    around: dict[int, tuple[int, int, LexborNode]] = {}
    for length, holder in clusters:
        parent = holder.parent  # <article>s side by side are a list of stories, not one
        if parent is not None and parent.tag not in ("body", "html") and holder.tag != "article":
            total, count, _ = around.get(parent.mem_id, (0, 0, parent))
            around[parent.mem_id] = (total + length, count + 1, parent)
    heaviest = clusters[0][0] if clusters else 0
    units = clusters + [(total, node) for total, count, node in around.values()
                        if count > 1 and total >= _PARTS_OUTWEIGH * heaviest]
    return sorted(units, key=lambda item: -item[0])


def choose_container(body: LexborNode) -> tuple[LexborNode | None, str,
                                               list[tuple[int, LexborNode]]]:
    """The best-marked ancestor of the page's heavy prose units, else the best-scored
    element; and the page's prose clusters. Only ancestors of heavy units are looked at:
    an ``<article>`` that is a box of related teasers holds much text but no heavy unit,
    and a marked author's bio beside a story told in many small paragraphs is no heavy
    unit either."""
    clusters = _prose_clusters(body)
    if not clusters:
        return None, "none", []
    units = _units(clusters)
    best: tuple[int, int] = (NEUTRAL, 0)
    chosen = None
    for rank, (length, node) in enumerate(units[:_HEAVY]):
        if length < _MARKER_SHARE * units[0][0]:
            break
        depth = 0
        while node is not None and node.tag not in ("body", "html") and depth < _MAX_DEPTH:
            tier = _tier(node)
            if (tier, rank) <= best and tier < NEUTRAL:  # equal: the outer one wins
                best, chosen = (tier, rank), node
            node, depth = node.parent, depth + 1
    if chosen is not None and _length(chosen) >= _MIN_BODY_CHARS:
        return chosen, "marker", clusters
    found = _common_ancestor(clusters) or _best_scored(clusters)
    if found is not None and found.tag == "form" and not story_form(found):
        return None, "none", clusters  # a form's notices, not a story
    return found, "heuristic", clusters


def main_text(tree: LexborHTMLParser, h1: LexborNode | None = None
              ) -> tuple[list[Block], str]:
    """The article's paragraphs and how their container was found ("marker", "heuristic").

    The headline (the page's ``<h1>``) is left out wherever it sits. The tree is left as
    it is: furniture is skipped, not removed.
    """
    body = tree.body
    if body is None:
        return [], "none"
    h1 = h1 if h1 is not None else body.css_first("h1")
    title = " ".join(h1.text().split()) if h1 is not None else None
    container, source, clusters = choose_container(body)
    if container is None:
        return [], "none"
    blocks: list[Block] = []
    parts = body_parts(body, container, source == "marker", clusters)
    others = other_stories(container, h1)
    for part in parts:
        blocks += [b for b in walk(part, WALK_SKIP, furniture_pruner(part, clusters, others))
                   if b.text != title]
    kept = article_blocks(blocks)
    if kept and source == "marker":
        printed = {b.text for b in blocks}
        # a body may print its standfirst again inside (the lead field on top of the text)
        kept = [b for b in _standfirst(parts[0], clusters, title) if b.text not in printed] + kept
    if not kept and source == "marker":
        # the context rule keeps nothing of a container the page marks as its body (a story
        # told in short lines): the marker vouches for its prose, link lists aside, when
        # there is enough of it to be a body (a login line is not)
        prose = [b for b in blocks if b.link_density <= MAX_LINK_DENSITY]
        kept = prose if sum(len(b.text) for b in prose) >= _MIN_BODY_CHARS else []
    return kept, source


def other_stories(container: LexborNode, headline: LexborNode | None) -> frozenset[int]:
    """The ``<article>``s of ``container`` that hold an ``<h1>`` of their own, when the headline
    sits in an ``<article>`` too: one story per ``<article>``, so these are the next stories an
    endless page appends below this one (each with its headline, byline and body). An
    ``<article>`` around the headline's or inside it (a live blog's posts) is this story."""
    if headline is None:
        return frozenset()
    story = next((node for node in ancestors(headline.parent) if node.tag == "article"), None)
    if story is None:
        return frozenset()
    around = {node.mem_id for node in ancestors(story)}
    others = set()
    for node in container.css("article"):
        if node.mem_id in around or node.css_first("h1") is None:
            continue
        if not any(up.mem_id == story.mem_id for up in ancestors(node.parent)):
            others.add(node.mem_id)
    return frozenset(others)


def _standfirst(first: LexborNode, clusters: list[tuple[int, LexborNode]],
                title: str | None) -> list[Block]:
    """The standfirst printed before a marked body, outside it: an element the page's class
    calls a lead, intro, excerpt or teaser, before ``first`` (the body's first part) beside
    it or beside its parent, whose paragraphs are prose (a sentence end, few links). A CMS
    prints its summary field there, apart from the body field (trafilatura's evaluation
    pages count it as article text). Elements in furniture (a header's nav, an aside) are
    not read."""
    found: list[Block] = []
    node, memo = first, {}
    for _ in range(_STANDFIRST_LEVELS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        for child in parent.iter():
            if child.mem_id == node.mem_id:
                break
            found += [b for b in _standfirst_blocks(child, clusters, title, memo)
                      if all(b.text != f.text for f in found)]  # a copy for small screens
        if found:
            return found
        node = parent
    return found


def _standfirst_blocks(root: LexborNode, clusters: list[tuple[int, LexborNode]],
                       title: str | None, memo: dict[int, bool]) -> list[Block]:
    """The prose blocks of the outermost standfirst element in ``root`` (``root`` included)."""
    for node in root.css(STANDFIRST_CSS):  # ``root`` too, when it is one
        marker = node_marker(node)
        if not is_standfirst(marker) or marker_kind(marker) == FURNITURE \
                or node.css_first("h1") is not None or _in_strong_furniture(node, memo):
            continue
        blocks = [b for b in walk(node, WALK_SKIP, furniture_pruner(node, clusters))
                  if b.kind in ("paragraph", "text") and len(b.text) >= _MIN_PROSE_CHARS
                  and b.link_density <= MAX_LINK_DENSITY and b.text != title
                  and ENDS_SENTENCE.search(b.text[-12:]) and not b.text.endswith(CUT)]
        if blocks:
            return blocks
    return []
