" Vim filetype plugin for Panoptic (.pan): comments and indentation.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:#
setlocal commentstring=#\ %s
setlocal formatoptions-=t formatoptions+=croql
" Four spaces a level, as `panoptic fmt` writes it.
setlocal expandtab shiftwidth=4 softtabstop=4 tabstop=4
setlocal autoindent
setlocal indentexpr=PanopticIndent(v:lnum)
setlocal indentkeys=0{,0},!^F,o,O
setlocal suffixesadd=.pan
setlocal iskeyword=@,48-57,_

let b:undo_ftplugin = "setlocal comments< commentstring< formatoptions< expandtab< shiftwidth< softtabstop<"
      \ . " tabstop< autoindent< indentexpr< indentkeys< suffixesadd< iskeyword<"

if exists("*PanopticIndent")
  finish
endif

" Braces outside strings and comments: the count of `{` minus `}` on a line.
function! s:BraceBalance(line) abort
  let l:text = substitute(a:line, '"\%([^"\\]\|\\.\)*"', '""', 'g')
  let l:text = substitute(l:text, '#.*$', '', '')
  return len(substitute(l:text, '[^{]', '', 'g')) - len(substitute(l:text, '[^}]', '', 'g'))
endfunction

" One level deeper after a line that opens a block (or a list/map), one less on a line starting with `}`.
function! PanopticIndent(lnum) abort
  let l:prev = prevnonblank(a:lnum - 1)
  if l:prev == 0
    return 0
  endif
  let l:ind = indent(l:prev)
  let l:open = s:BraceBalance(getline(l:prev))
  let l:prevline = substitute(getline(l:prev), '#.*$', '', '')
  let l:open += len(substitute(l:prevline, '[^[]', '', 'g')) - len(substitute(l:prevline, '[^]]', '', 'g'))
  if l:open > 0
    let l:ind += shiftwidth()
  elseif l:open < 0 && getline(l:prev) !~# '^\s*[}\]]'
    let l:ind -= shiftwidth()
  endif
  if getline(a:lnum) =~# '^\s*[}\]]'
    let l:ind -= shiftwidth()
  endif
  return max([l:ind, 0])
endfunction
