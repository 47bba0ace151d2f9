use "./cycle_b.pan"
use "./missing.pan"
use other.thing

flow from_a() {
    log "a"
}
