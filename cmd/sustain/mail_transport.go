package main

import "github.com/spf13/cobra"

// mailTransportCmds are `mail send` and `mail fetch`, which move bytes over
// SMTP, IMAP or a directory.
func mailTransportCmds(a *app) []*cobra.Command { return nil }
