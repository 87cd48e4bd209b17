// Package keepalive is sshdash's heartbeat engine. It decides when to send
// an SSH-level heartbeat, measures round trips, counts missed beats and
// declares a link dead — and never writes anything to a terminal.
//
// It knows nothing about PTYs or user interfaces. Time comes from an
// injectable Clock so every transition is testable without sleeping.
package keepalive
