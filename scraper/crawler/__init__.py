"""The crawl stage: the orchestrators that drive discover -> fetch -> extract -> store.

``run`` crawls every configured site of a run (the flock, the batches, signals);
``sitecrawl`` is one site's workers; ``frontier`` decides what to fetch and refuses traps;
``discover`` reads sitemaps, feeds and a page's links; ``parsepage`` runs extraction on
worker threads; ``reparse`` re-extracts stored pages without the network.
"""
