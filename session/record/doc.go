// Package record writes session recordings in the asciicast v2 format
// (https://docs.asciinema.org/manual/asciicast/v2/), playable by
// `asciinema play`: a JSON header line, then one JSON array per event —
// output ("o"), input ("i"), resizes ("r") and markers ("m").
//
// A Recorder never blocks its caller: events are queued and written by a
// goroutine of its own. If the disk cannot keep up (the queue passes
// Options.MaxQueue) or a write fails, recording stops, the cause is logged
// once and Close returns it; the session goes on unrecorded.
package record
