package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlags returns a flag set for a subcommand whose --help prints the
// synopsis, the flags and the exit codes. Parse errors become usage errors.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("odbench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: odbench %s\n\n", synopsis)
		if c, ok := commands[name]; ok {
			fmt.Fprintf(w, "%s\n\nFlags:\n", c.summary)
		}
		fs.PrintDefaults()
		fmt.Fprintf(w, "\n%s\n", exitCodesHelp)
	}
	return fs
}

// parseFlags parses args, turning a parse failure into a usage error and
// --help into flag.ErrHelp (exit 0). --help output goes to stdout.
func parseFlags(fs *flag.FlagSet, e env, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// writeJSON writes v as one indented JSON object followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
