//go:build !race

package examples_test

// race is true when the tests run with -race; the examples are then built
// with -race too.
const race = false
