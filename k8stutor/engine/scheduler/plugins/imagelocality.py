"""ImageLocality (ImageLocalityPriority): prefer nodes that already hold the pod's images."""

from __future__ import annotations

from ..framework import MAX_NODE_SCORE, NodeInfo, PodInfo

NAME = "ImageLocality"
MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """Scale the summed image sizes between 23 MiB and 1000 MiB per container to 0..100."""
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    if max_threshold == MIN_THRESHOLD:
        return 0
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


def score(pi: PodInfo, ni: NodeInfo, num_nodes_with: dict[str, int], total_nodes: int) -> int:
    """Sum of image size x (nodes having it / all nodes) for the pod's images present on the node."""
    if not pi.images or not ni.images or total_nodes <= 0:
        return calculate_priority(0, max(1, pi.n_containers))
    s = 0
    for img in pi.images:
        size = ni.images.get(img)
        if size is not None:
            s += int(size * (num_nodes_with.get(img, 0) / total_nodes))
    return calculate_priority(s, max(1, pi.n_containers))
