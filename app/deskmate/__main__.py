from deskmate.cli import main

main()
