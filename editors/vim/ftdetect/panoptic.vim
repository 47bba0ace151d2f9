" Panoptic test files: *.pan
autocmd BufRead,BufNewFile *.pan setfiletype panoptic
