"""Every ``vip`` command, one module per family; ``common`` holds what they share.

``vip_tui.cli`` holds the group and its options and loads a command's module
only when that command is asked for (see ``vip_tui.cli.COMMANDS``). No module
here imports ``vip_tui.cli``.
"""
