" Vim filetype plugin for Panoptic (.pan): comments, tabs and file search (indentation: indent/panoptic.vim).
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:#
setlocal commentstring=#\ %s
setlocal formatoptions-=t formatoptions+=croql
" Four spaces a level, as `panoptic fmt` writes it.
setlocal expandtab shiftwidth=4 softtabstop=4 tabstop=4
setlocal suffixesadd=.pan
setlocal iskeyword=@,48-57,_

let b:undo_ftplugin = "setlocal comments< commentstring< formatoptions< expandtab< shiftwidth< softtabstop<"
      \ . " tabstop< suffixesadd< iskeyword<"
