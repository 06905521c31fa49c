from zaixian.portal.models.pages import (
    ArticleAttachment,
    ArticlePage,
    ChannelPage,
    HomePage,
    RelatedArticle,
    TopicPage,
)
from zaixian.portal.models.settings import SiteFooterSettings

__all__ = [
    "ArticleAttachment",
    "ArticlePage",
    "ChannelPage",
    "HomePage",
    "RelatedArticle",
    "SiteFooterSettings",
    "TopicPage",
]
