use std.web


app shop: web {
  url: "http://x"
}
scenario "crlf" on shop {  # note
  open "/"
  if visible "#a" {
    click "#a"
  } else {
    log "no"
  }
}