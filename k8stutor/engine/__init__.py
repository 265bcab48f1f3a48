"""The simulated cluster: stdlib + PyYAML only; never imports a UI toolkit."""
