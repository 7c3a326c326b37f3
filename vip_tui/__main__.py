from vip_tui.cli import main

main()
