package main

import "flag"

// flagSet sets a flag of the process's flag set (testing's flags live there
// after testing.Init).
func flagSet(name, value string) error { return flag.Set(name, value) }
