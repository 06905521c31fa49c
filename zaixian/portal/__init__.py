"""The portal: a site group (站群) of Wagtail sites — the city portal and each department's
site — with channels, articles, special topics, the three-step review, feeds and sitemaps.

Models owned: HomePage, ChannelPage, ArticlePage, TopicPage, SiteFooterSettings.
"""
