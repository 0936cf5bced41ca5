"""The fetch stage: polite, bounded HTTP (``fetcher``), its vocabulary (``types``), the
address guard every request passes (``netguard``) and body decoding (``decode``)."""
