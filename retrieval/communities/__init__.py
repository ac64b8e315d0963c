"""Many communities, one store: each its own collection, all reading the operator's shared one."""

from retrieval.communities.engines import CommunityEngines, community_collection
from retrieval.communities.layered import LayeredStore

__all__ = ["CommunityEngines", "LayeredStore", "community_collection"]
