"""Filter and score plugins of the default kube-scheduler profile (1.32), one module per plugin."""
