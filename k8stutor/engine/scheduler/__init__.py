"""kube-scheduler for the simulated cluster: scheduling queue, framework, filter/score plugins.

``scheduler.install(cluster)`` registers the default scheduler; ``Scheduler.trace_for(ns, name)`` explains a
pod's last scheduling attempt.
"""
