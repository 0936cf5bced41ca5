"""Site files: the three fixed keys suffice, and every kind of typo names file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_site

from scraper import SiteConfigError, load_site, load_sites
from scraper.config import preset_names


def test_a_site_file_with_only_name_extends_and_start_urls_is_valid(tmp_path: Path):
    path = write_site(tmp_path, "mini", """
        name = "mini"
        extends = "wordpress-tagdiv"
        start_urls = ["https://news.example/"]
    """)
    site = load_site(path)
    assert site.name == "mini"
    assert site.selectors["title"] == "h1.entry-title, h1.tdb-title-text"  # from the preset
    assert {w.kind for w in site.widgets} >= {"related", "recommended"}
    assert site.site_hosts == {"news.example"}


def test_builtin_presets_include_generic_and_wordpress_tagdiv():
    assert {"generic", "wordpress-tagdiv"} <= set(preset_names())


def test_site_values_override_the_preset_key_by_key(tmp_path: Path):
    path = write_site(tmp_path, "over", """
        name = "over"
        extends = "wordpress-tagdiv"
        start_urls = ["https://news.example/"]
        [selectors]
        title = "h1.headline"
        [politeness]
        delay = 3
    """)
    site = load_site(path)
    assert site.selectors["title"] == "h1.headline"
    assert site.selectors["body"] == ".td-post-content"
    assert site.delay == 3.0


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('name = "x"\nextends = "generic"\nstart_urls = ["https://a.example/"]\nstart_url = 1\n',
         4, "unknown key 'start_url'"),
        ('name = "x"\nextends = "generic"\nstart_urls = "https://a.example/"\n',
         3, "'start_urls' must be a list"),
        ('name = "x"\nextends = "generic"\nstart_urls = ["https://a.example/"]\n\n'
         '[selectors]\ntitle = "h1[[["\n', 6, "invalid CSS selector"),
        ('name = "x"\nextends = "generic"\nstart_urls = ["https://a.example/"]\n'
         'deny = ["(unclosed"]\n', 4, "invalid regular expression"),
        ('name = "x"\nextends = "wordpres"\nstart_urls = ["https://a.example/"]\n',
         2, "unknown preset 'wordpres'"),
        ('name = "x"\nextends = "generic"\nstart_urls = ["ftp://a.example/"]\n',
         3, "not an http(s) URL"),
        ('name = "x"\nextends = "generic"\nstart_urls = ["https://a.example/"]\n'
         '[politeness]\ndelay = "fast"\n', 5, "'politeness.delay' must be a number"),
        ('name = "x"\nextends = "generic"\nstart_urls = [\n', 3, "not valid TOML"),
        ('name = "x"\nextends = "generic"\nstart_urls = ["https://a.example/"]\ndelay = 1 2\n',
         4, "not valid TOML"),
    ],
)
def test_a_typo_is_refused_with_file_line_and_reason(tmp_path: Path, body, line, words):
    path = tmp_path / "sites" / "bad.toml"
    path.parent.mkdir()
    path.write_text(body, "utf-8")
    with pytest.raises(SiteConfigError) as caught:
        load_site(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_one_bad_site_file_does_not_hide_the_good_ones(tmp_path: Path):
    write_site(tmp_path, "good", 'name = "good"\nextends = "generic"\n'
               'start_urls = ["https://a.example/"]\n')
    write_site(tmp_path, "bad", 'name = "bad"\nextends = "generic"\nstart_urls = ["x"]\n')
    sites, errors = load_sites(tmp_path)
    assert [s.name for s in sites] == ["good"]
    assert len(errors) == 1 and "bad.toml:3" in str(errors[0])


def test_follows_keeps_to_the_site_and_its_deny_patterns(tmp_path: Path):
    site = load_site(write_site(tmp_path, "s", """
        name = "s"
        extends = "wordpress-tagdiv"
        start_urls = ["https://news.example/"]
    """))
    assert site.follows("https://news.example/some-story-slug/")
    assert not site.follows("https://other.example/some-story-slug/")
    assert not site.follows("https://news.example/wp-content/uploads/a.jpg")
    assert not site.follows("https://news.example/tag/terrorism/")


def test_declared_host_variants_and_trailing_slash_policy_shape_url_identity(tmp_path: Path):
    site = load_site(write_site(tmp_path, "s", """
        name = "s"
        extends = "generic"
        start_urls = ["https://www.news.example/"]
        hosts = ["m.news.example", "amp.news.example", "blog.news.example"]
        trailing_slash = "add"
    """))
    key = site.url_key("https://www.news.example/story-one/")
    assert site.url_key("https://m.news.example/story-one") == key
    assert site.url_key("https://amp.news.example/story-one/?utm_source=x") == key
    assert site.url_key("https://blog.news.example/story-one/") != key  # not a variant
    plain = load_site(write_site(tmp_path, "p", """
        name = "p"
        extends = "generic"
        start_urls = ["https://www.news.example/"]
    """))
    assert plain.url_key("https://m.news.example/story-one") != key  # nothing declared


def test_an_unknown_trailing_slash_policy_is_refused(tmp_path: Path):
    path = write_site(tmp_path, "t", 'name = "t"\nextends = "generic"\n'
                      'start_urls = ["https://a.example/"]\ntrailing_slash = "always"\n')
    with pytest.raises(SiteConfigError, match="t.toml:4: 'trailing_slash' must be"):
        load_site(path)
