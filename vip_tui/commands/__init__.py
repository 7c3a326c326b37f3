"""Click commands kept out of ``vip_tui.cli`` so that each feature owns its own; cli registers them."""
