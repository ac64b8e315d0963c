"""Briefings: topic, document and latest-N-days summaries with sources, caveats and a timeline."""

from retrieval.summary.caveats import SentenceAssessor
from retrieval.summary.llm_points import SummaryLLM
from retrieval.summary.summariser import Summariser

__all__ = ["SentenceAssessor", "Summariser", "SummaryLLM"]
