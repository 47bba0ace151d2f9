from panoptic.cli import main

main()
