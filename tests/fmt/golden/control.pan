scenario "control flow" {
    repeat 3 times {
        click "#inc"
    }
    if visible "#banner" {
        click "#close"
    }
    else_word "not an else"
    if visible "#a" { 
      click "#a"
    } else if visible "#b" {
        click "#b"
    }   else   if visible "#c" {
        click "#c"
    } else {
        log "none"
    }
    if visible "#x" {
        click "#x"
    } else log "no x"
    retry 3 times {
        for each name in ["carol", "dave"] {
            repeat 2 times {
                if visible "#deep" {
                    click "#deep"
                } else {
                    fail "no deep ${name}"
                }
            }
        }
    }
    repeat 1 times {
    }
}
