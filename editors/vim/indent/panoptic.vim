" Vim indent script for Panoptic (.pan): the indentation `panoptic fmt` writes, four spaces a level.
if exists("b:did_indent")
  finish
endif
let b:did_indent = 1

setlocal autoindent
setlocal indentexpr=PanopticIndent(v:lnum)
setlocal indentkeys=0{,0},0],!^F,o,O

let b:undo_indent = "setlocal autoindent< indentexpr< indentkeys<"

if exists("*PanopticIndent")
  finish
endif

" Openers minus closers (`{`/`[` against `}`/`]`) outside strings and comments.
function! s:Balance(line) abort
  let l:text = substitute(a:line, '"\%([^"\\]\|\\.\)*"', '""', 'g')
  let l:text = substitute(l:text, '#.*$', '', '')
  return len(substitute(l:text, '[^{[]', '', 'g')) - len(substitute(l:text, '[^}\]]', '', 'g'))
endfunction

" A line is one level deeper than the previous one when that one leaves a block open, and one level
" shallower when it starts with a closer. A previous line that starts with a closer was already moved out
" by it, so that closer does not count twice: after `} else {` the block is one level deeper again.
function! PanopticIndent(lnum) abort
  let l:prev = prevnonblank(a:lnum - 1)
  if l:prev == 0
    return 0
  endif
  let l:ind = indent(l:prev)
  let l:open = s:Balance(getline(l:prev))
  if getline(l:prev) =~# '^\s*[}\]]'
    let l:open += 1
  endif
  if l:open > 0
    let l:ind += shiftwidth()
  elseif l:open < 0
    let l:ind -= shiftwidth()
  endif
  if getline(a:lnum) =~# '^\s*[}\]]'
    let l:ind -= shiftwidth()
  endif
  return max([l:ind, 0])
endfunction
