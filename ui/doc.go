// Package ui is sshdash's Bubble Tea interface: one model per screen (host
// list, sessions, preview, event log, prompts, settings form, help) under a
// root model that routes keys to the active screen and broadcasts size and
// session events to all.
package ui
