"""HTML of the demo site, in the markup of the tagDiv "Newspaper" WordPress theme.

The demo must exercise the same extraction paths as a real Newspaper site (and the seed
reconstruction): the category pill glued before the title, widgets whose headings are the only
clue to their kind, an ad slot and a featured-image caption inside the body, share buttons with
a print link. So the class names and nesting below copy the theme; only the words are new.
Every value goes through ``e()``; links inside pages are root-relative like WordPress menus,
while head metadata uses absolute URLs on the site origin.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

__all__ = ["amp_page", "article_page", "home_page", "listing_page", "not_found_page"]

Post = dict[str, Any]
Site = dict[str, Any]
Sidebar = tuple[list[Post], list[Post]]  # (latest news, must read)

_INLINE_AD = (
    '<div class="td-a-rec td-a-rec-id-content_inline td_block_template_1"><ins class="adsbygoogle" '
    'data-ad-format="fluid" data-ad-slot="2222222222"></ins>'
    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>"
)
_SIDEBAR_AD = (
    '<aside class="td_block_template_1 widget widget_text"><div class="td-a-rec '
    'td-a-rec-id-sidebar"><ins class="adsbygoogle" data-ad-slot="1111111111"></ins></div></aside>\n'
)


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _head(site: Site, title: str, description: str, canonical: str, extra: str,
          *, og_type: str = "website", robots: str = "index, follow") -> str:
    og = {"og:locale": site["language"].replace("-", "_"), "og:type": og_type, "og:title": title,
          "og:description": description, "og:url": canonical, "og:site_name": site["name"]}
    og_tags = "".join(f'<meta property="{key}" content="{e(val)}" />\n' for key, val in og.items())
    return f"""<!doctype html >
<html lang="{e(site["language"])}">
<head>
<meta charset="UTF-8" />
<title>{e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="description" content="{e(description)}" />
<meta name="robots" content="{e(robots)}" />
<link rel="canonical" href="{e(canonical)}" />
{og_tags}{extra}<link rel="alternate" type="application/rss+xml" \
title="{e(site["name"])} &raquo; Feed" href="{e(site["origin"])}/feed/" />
<link rel="stylesheet" id="td-theme-css" \
href="/wp-content/themes/Newspaper/style.css?ver=10.3.9.1" type="text/css" media="all" />
<script>var tdBlocksArray = []; function tdBlock() {{ this.id = ""; this.atts = ""; }}</script>
</head>
"""


def _header(site: Site) -> str:
    menu = "".join(
        f'<li class="menu-item menu-item-object-category td-menu-item td-normal-menu">'
        f'<a href="{e(href)}">{e(name)}</a></li>'
        for name, href in [("Home", "/")]
        + [(s["name"], f"/category/{s['slug']}/") for s in site["sections"]]
    )
    return f"""<div id="td-outer-wrap" class="td-theme-wrap">
<div class="tdc-header-wrap"><div class="td-header-wrap td-header-style-1">
<div class="td-header-top-menu-full td-container-wrap"><div class="td-header-top-menu">
<div class="td_data_time"><div>{e(site["date_label"])}</div></div>
<ul id="menu-top-menu" class="top-header-menu"><li class="menu-item"><a href="/about-us/">About \
us</a></li><li class="menu-item"><a href="/contact/">Contact</a></li></ul></div></div>
<div class="td-banner-wrap-full td-logo-wrap-full"><div class="td-header-sp-logo"><h1 \
class="td-logo"><a class="td-main-logo" href="/"><img alt="{e(site["name"])}" \
src="/wp-content/uploads/2026/01/logo.png"/><span class="td-visual-hidden">{e(site["name"])}</span>\
</a></h1></div></div>
<div class="td-header-menu-wrap-full"><div id="td-header-menu" role="navigation">
<ul id="menu-main-menu-1" class="sf-menu">{menu}</ul></div></div>
</div></div>
"""


def _footer(site: Site) -> str:
    return f"""<div class="td-footer-wrapper td-container-wrap"><div class="td-footer-info">
<div class="footer-text-wrap">{e(site["name"])}: {e(site["tagline"])}.\
<div class="footer-email-wrap">Contact us: <a href="mailto:{e(site["email"])}">\
{e(site["email"])}</a></div></div></div></div>
<div class="td-sub-footer-container td-container-wrap"><ul id="menu-footer" \
class="td-subfooter-menu"><li class="menu-item"><a href="/privacy-policy/">Privacy Policy</a>\
</li></ul>
<div class="td-sub-footer-copy">&copy; Copyright {e(site["date_label"][-4:])} - \
{e(site["name"])}. All Rights Reserved.</div></div>
</div><!--close td-outer-wrap-->
<div id="cookie-law-info-bar" data-nosnippet="true" style="display:none"><span>This website uses \
cookies to improve your experience. <a role="button" id="cookie_action_close_header">Accept</a> \
<a href="/privacy-policy/" class="cli-plugin-main-link">Read More</a></span></div>
</body>
</html>
"""


def _page(site: Site, head: str, body_class: str, main: str, sidebar: Sidebar,
          after: str = "") -> str:
    return f"""{head}<body class="{e(body_class)}">
{_header(site)}<div class="td-main-content-wrap td-container-wrap"><div class="td-container">
<div class="td-pb-row">
<div class="td-pb-span8 td-main-content" role="main"><div class="td-ss-main-content">
{main}</div></div>
<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">
{_SIDEBAR_AD}{_block("64", "Latest news", sidebar[0], "td_block_11", "td_module_10")}\
{_block("65", "Must read", sidebar[1], "td_block_7", "td_module_6")}</div></div>
</div></div></div>
{after}{_footer(site)}"""


def _crumbs(*trail: tuple[str, str | None]) -> str:
    parts = [
        f'<span><a class="entry-crumb" href="{e(href)}">{e(label)}</a></span>' if href
        else f'<span class="td-bred-no-url-last">{e(label)}</span>'
        for label, href in trail
    ]
    crumbs = ' <i class="td-icon-right td-bread-sep"></i> '.join(parts)
    return f'<div class="td-crumb-container"><div class="entry-crumbs">{crumbs}</div></div>\n'


def _thumb(post: Post, size: str) -> str:
    width, height = size.split("x")
    return (
        f'<div class="td-module-thumb"><a href="{e(post["path"])}" rel="bookmark" '
        f'class="td-image-wrap" title="{e(post["title"])}"><img width="{width}" height="{height}" '
        f'class="entry-thumb" src="{e(post["image_base"])}-{size}.jpg" alt="" '
        f'title="{e(post["title"])}"/></a></div>'
    )


def _title_link(post: Post) -> str:
    return (
        f'<h3 class="entry-title td-module-title"><a href="{e(post["path"])}" rel="bookmark" '
        f'title="{e(post["title"])}">{e(post["title"])}</a></h3>'
    )


def _module(post: Post, kind: str = "td_module_10", *, meta: bool = False) -> str:
    byline = (
        f'<span class="td-post-author-name"><a href="{e(post["author_path"])}">'
        f'{e(post["author_name"])}</a> <span>-</span> </span><span class="td-post-date">'
        f'<time class="entry-date updated td-module-date" datetime="{e(post["published"])}" >'
        f'{e(post["date_label"])}</time></span>'
    ) if meta else ""
    return (
        f'<div class="td-block-span12"><div class="{kind} td_module_wrap td-animation-stack">\n'
        f'  {_thumb(post, "218x150")}\n  <div class="item-details">{_title_link(post)}\n'
        f'    <div class="td-module-meta-info">{byline}</div>\n'
        f'    <div class="td-excerpt">{e(post["excerpt"])}</div>\n  </div>\n</div></div>\n'
    )


def _block(uid: str, title: str, posts: list[Post], block_type: str, module: str,
           *, widget: bool = True, meta: bool = False) -> str:
    """A tagDiv block; like the theme, it registers itself in an inline script."""
    widget_class = " td_block_widget" if widget else ""
    items = "".join(_module(post, module, meta=meta) for post in posts)
    return f"""<div class="td_block_wrap {block_type} td_uid_{uid}_rand{widget_class} \
td-pb-border-top td_block_template_1 td-column-1" data-td-block-uid="td_uid_{uid}">
<script>var block_td_uid_{uid} = new tdBlock(); tdBlocksArray.push(block_td_uid_{uid});</script>
<div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span \
class="td-pulldown-size">{e(title)}</span></h4></div>
<div id="td_uid_{uid}" class="td_block_inner">
{items}</div>
</div> <!-- ./block -->
"""


def _share(post: Post, where: str) -> str:
    url, text = quote(post["url"], safe=""), quote(post["title"])
    networks = [
        ("facebook", "Facebook", f"https://www.facebook.com/sharer.php?u={url}"),
        ("twitter", "Twitter", f"https://twitter.com/intent/tweet?text={text}&url={url}"),
        ("whatsapp", "WhatsApp", f"https://api.whatsapp.com/send?text={text}%20{url}"),
        ("mail", "Email", f"mailto:?subject={text}&body={url}"),
        ("print", "Print", f"{post['path']}print/"),
    ]
    buttons = "".join(
        f'<a class="td-social-sharing-button td-social-network td-social-{key}" href="{e(href)}">'
        f'<div class="td-social-but-icon"><i class="td-icon-{key}"></i></div>'
        f'<div class="td-social-but-text">{label}</div></a>\n'
        for key, label, href in networks
    )
    return (
        f'<div class="td-post-sharing-{where}"><div id="td_social_sharing_article_{where}" '
        f'class="td-post-sharing td-ps-bg td-post-sharing-style1">'
        f'<div class="td-post-sharing-visible">\n{buttons}</div></div></div>\n'
    )


def _post_header(post: Post, origin: str = "") -> str:
    """Category pill, title and byline; AMP pages link with absolute URLs (``origin``)."""
    return f"""  <div class="td-post-header">
    <ul class="td-category"><li class="entry-category"><a \
href="{e(origin + post["section_path"])}">{e(post["section_name"])}</a></li></ul>
    <header class="td-post-title"><h1 class="entry-title">{e(post["title"])}</h1>
      <div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">\
By</div> <a href="{e(origin + post["author_path"])}">{e(post["author_name"])}</a>\
<div class="td-author-line"> - </div> </div>
        <span class="td-post-date"><time class="entry-date updated td-module-date" \
datetime="{e(post["published"])}" >{e(post["date_label"])}</time></span>
        <div class="td-post-comments"><a href="{e(origin + post["path"])}#respond">0</a></div>
      </div>
    </header>
  </div>
"""


def _paragraphs(post: Post, ad: str = "") -> str:
    """Body paragraphs and subheadings, with ``ad`` after the third paragraph."""
    parts, count = [], 0
    for block in post["paragraphs"]:
        if isinstance(block, dict):
            parts.append(f'<h3><strong>{e(block["h3"])}</strong></h3>')
            continue
        parts.append(f"<p>{e(block)}</p>")
        count += 1
        if count == 3 and ad:
            parts.append(ad)
    return "\n".join(parts) + "\n"


def _tags(post: Post) -> str:
    items = "".join(
        f'<li><a href="/tag/{e(slug)}/">{e(name)}</a></li>' for name, slug in post["tag_links"]
    )
    return (
        '<div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix">'
        f"<li><span>TAGS</span></li>{items}</ul></div>\n"
    )


def _next_prev(previous: Post | None, following: Post | None) -> str:
    cells = "".join(
        f'<div class="td-block-span6 td-post-{side}-post"><div class="td-post-next-prev-content">'
        f"<span>{label} article</span>"
        + (f'<a href="{e(post["path"])}">{e(post["title"])}</a>' if post else "")
        + "</div></div>"
        for post, side, label in ((previous, "prev", "Previous"), (following, "next", "Next"))
    )
    return f'<div class="td-block-row td-post-next-prev">{cells}</div>\n'


def _author_box(post: Post) -> str:
    return f"""<div class="author-box-wrap"><a href="{e(post["author_path"])}"><img alt="" \
src="/wp-content/uploads/avatars/{e(post["author"])}-96x96.jpg" class="avatar avatar-96 photo" \
height="96" width="96"/></a><div class="desc"><div class="td-author-name vcard author"><span \
class="fn"><a href="{e(post["author_path"])}">{e(post["author_name"])}</a></span></div>
<div class="td-author-description">{e(post["author_bio"])}</div></div></div>
"""


def _related(posts: list[Post]) -> str:
    items = "".join(
        f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack '
        f'td_mod_related_posts"><div class="td-module-image">{_thumb(post, "218x150")}</div>'
        f'<div class="item-details">{_title_link(post)}</div></div></div>\n'
        for post in posts
    )
    return f"""<div class="td_block_wrap td_block_related_posts td_uid_63_rand \
td_with_ajax_pagination td-pb-border-top td_block_template_1" data-td-block-uid="td_uid_63">
<h4 class="td-related-title td-block-title"><a id="td_uid_63_l" class="td-related-left \
td-cur-simple-item" href="#">You might also like</a><a id="td_uid_63_r" class="td-related-right" \
href="#">RELATED</a></h4>
<div id="td_uid_63" class="td_block_inner"><div class="td-related-row">
{items}</div></div>
</div> <!-- ./block -->
"""


def _more_articles(posts: list[Post]) -> str:
    items = "".join(
        f'<div class="td_module_mx3 td_module_wrap td-animation-stack">{_thumb(post, "100x70")}'
        f'<div class="item-details">{_title_link(post)}</div></div>\n'
        for post in posts
    )
    return f"""<div class="td-more-articles-box"><i class="td-icon-close \
td-close-more-articles-box"></i><span class="td-more-articles-box-title">Recommended to you</span>
<div class="td-content-more-articles-box">
{items}</div></div>
"""


def _comments(post: Post) -> str:
    return f"""<div class="comments" id="comments"><div id="respond" class="comment-respond">
<h4 id="reply-title" class="comment-reply-title">LEAVE A REPLY</h4><form \
action="/wp-comments-post.php" method="post" id="commentform" class="comment-form"><textarea \
placeholder="Comment:" id="comment" name="comment"></textarea><p class="form-submit"><input \
name="submit" type="submit" class="submit" value="Post Comment" /><input type="hidden" \
name="comment_post_ID" value="{post["post_id"]}" /></p></form></div></div>
"""


def _jsonld(post: Post) -> str:
    # "</" inside a JSON string would end the script element early.
    data = json.dumps(post["schema"], ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json" class="yoast-schema-graph">{data}</script>\n'


def article_page(site: Site, post: Post, widgets: dict[str, Any]) -> str:
    """The single-post page. ``widgets`` holds the latest, must_read, related, recommended,
    previous and next posts, chosen by the caller so the rules live next to the data."""
    extra = f"""<meta property="article:published_time" content="{e(post["published"])}" />
<meta property="article:modified_time" content="{e(post["modified"])}" />
<meta property="article:section" content="{e(post["section_name"])}" />
<meta property="og:image" content="{e(site["origin"] + post["image_base"])}.jpg" />
<meta name="twitter:card" content="summary_large_image" />
<link rel="amphtml" href="{e(post["url"])}amp/" />
{_jsonld(post)}"""
    head = _head(site, f"{post['title']} - {site['name']}", post["description"], post["url"],
                 extra, og_type="article")
    crumbs = _crumbs(("Home", "/"), (post["section_name"], post["section_path"]),
                     (post["title"], None))
    main = f"""{crumbs}<article id="post-{post["post_id"]}" class="post-{post["post_id"]} post \
type-post status-publish format-standard has-post-thumbnail category-{e(post["section"])}" \
itemscope itemtype="https://schema.org/Article">
{_post_header(post)}{_share(post, "top")}  <div class="td-post-content tagdiv-type">
<div class="td-post-featured-image"><figure><a href="{e(post["image_base"])}.jpg"><img width="696" \
height="392" class="entry-thumb td-modal-image" src="{e(post["image_base"])}-696x392.jpg" alt="" \
title="{e(post["title"])}"/></a><figcaption class="wp-caption-text">{e(post["title"])}</figcaption>\
</figure></div>
{_paragraphs(post, _INLINE_AD)}  </div>
  <footer>
{_tags(post)}{_share(post, "bottom")}{_next_prev(widgets["previous"], widgets["next"])}\
{_author_box(post)}  </footer>
</article> <!-- /.post -->
{_related(widgets["related"])}{_comments(post)}"""
    body_class = (f"post-template-default single single-post postid-{post['post_id']} "
                  "single-format-standard global-block-template-1 td-full-layout")
    return _page(site, head, body_class, main, (widgets["latest"], widgets["must_read"]),
                 _more_articles(widgets["recommended"]))


def amp_page(site: Site, post: Post) -> str:
    """The AMP variant: same text, canonical pointing back at the article (a duplicate URL)."""
    head = _head(site, f"{post['title']} - {site['name']}", post["description"], post["url"],
                 _jsonld(post), og_type="article")
    origin = site["origin"]
    return f"""{head}<body class="single single-post postid-{post["post_id"]} td-amp">
<div class="td-header-wrap"><a class="td-main-logo" href="{e(origin)}/">{e(site["name"])}</a></div>
<div class="td-main-content-wrap">
<article id="post-{post["post_id"]}" class="post-{post["post_id"]} post type-post">
{_post_header(post, origin)}  <div class="td-post-content">
<div class="td-post-featured-image"><amp-img width="696" height="392" layout="responsive" \
src="{e(post["image_base"])}-696x392.jpg" alt=""></amp-img></div>
{_paragraphs(post)}  </div>
  <footer>{_tags(post)}</footer>
</article>
</div>
</body>
</html>
"""


def listing_page(site: Site, *, heading: str, title: str, base: str, page: int, pages: int,
                 posts: list[Post], body_class: str, sidebar: Sidebar) -> str:
    """Page ``page`` of a category or author archive whose first page is at ``base``."""
    prev = _page_path(base, page - 1) if page > 1 else None
    following = _page_path(base, page + 1) if page < pages else None
    links = "".join(
        f'<link rel="{rel}" href="{e(site["origin"] + path)}" />\n'
        for rel, path in (("prev", prev), ("next", following)) if path
    )
    head = _head(site, title, heading, site["origin"] + _page_path(base, page), links)
    items = "".join(f'<div class="td-block-row">{_module(post, meta=True)}</div>\n'
                    for post in posts)
    numbers = "".join(
        f'<span class="current">{n}</span>' if n == page
        else f'<a href="{e(_page_path(base, n))}" class="page" title="{n}">{n}</a>'
        for n in range(1, pages + 1)
    )
    arrows = [f'<a href="{e(path)}"><i class="td-icon-menu-{side}"></i></a>' if path else ""
              for path, side in ((prev, "left"), (following, "right"))]
    crumbs = _crumbs(("Home", "/"), (heading, None))
    main = f"""<div class="td-category-header td-container-wrap">{crumbs}<h1 \
class="entry-title td-page-title">{e(heading)}</h1></div>
{items}<div class="page-nav td-pb-padding-side">{arrows[0]}{numbers}{arrows[1]}\
<span class="pages">Page {page} of {pages}</span><div class="clearfix"></div></div>
"""
    return _page(site, head, body_class, main, sidebar)


def _page_path(base: str, page: int) -> str:
    return base if page == 1 else f"{base}page/{page}/"


def home_page(site: Site, grid: list[Post], top: list[Post], sidebar: Sidebar) -> str:
    """The front page: a big grid of the newest posts, then a "Top stories" block."""
    title = f"{site['name']} - {site['tagline']}"
    head = _head(site, title, site["tagline"], f"{site['origin']}/", "")
    cells = "".join(
        f'<div class="td_module_mx5 td-animation-stack td-big-grid-post-{i} td-big-grid-post">'
        f'{_thumb(post, "534x462")}<div class="td-meta-info-container">'
        f'<div class="td-big-grid-meta"><a href="{e(post["section_path"])}" '
        f'class="td-post-category">{e(post["section_name"])}</a>{_title_link(post)}</div></div>'
        "</div>\n"
        for i, post in enumerate(grid)
    )
    main = f"""<div class="td_block_wrap td_block_big_grid_1 td-grid-style-1 td-big-grids \
td-pb-border-top td_block_template_1"><div class="td_block_inner"><div class="td-big-grid-wrapper">
{cells}</div></div></div>
{_block("40", "Top stories", top, "td_block_4", "td_module_10", widget=False, meta=True)}"""
    return _page(site, head, "home page-template-default page td-full-layout", main, sidebar)


def static_page(site: Site, path: str, title: str, paragraphs: list[str],
                sidebar: Sidebar) -> str:
    """A WordPress page (About us, Contact, Privacy Policy): linked from every page's menus."""
    head = _head(site, f"{title} - {site['name']}", paragraphs[0][:150],
                 f"{site['origin']}{path}", "")
    text = "".join(f"<p>{e(p)}</p>\n" for p in paragraphs)
    main = (f'<div class="td-page-header"><h1 class="entry-title td-page-title"><span>{e(title)}'
            f'</span></h1></div>\n<div class="td-page-content">\n{text}</div>\n')
    return _page(site, head, "page-template-default page td-full-layout", main, sidebar)


def not_found_page(site: Site, sidebar: Sidebar) -> str:
    head = _head(site, f"Page not found - {site['name']}", "Page not found",
                 f"{site['origin']}/404/", "", robots="noindex, follow")
    main = """<div class="td-404-title">Ooops... Error 404</div>
<div class="td-404-sub-title">Sorry, but the page you are looking for doesn&#x27;t exist.</div>
<div class="td-404-sub-sub-title">You can go to the <a href="/">HOMEPAGE</a></div>
"""
    return _page(site, head, "error404 td-full-layout", main, sidebar)
