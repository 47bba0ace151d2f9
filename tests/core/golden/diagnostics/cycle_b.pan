use "./cycle_a.pan"

flow from_b() {
    from_a()
}
