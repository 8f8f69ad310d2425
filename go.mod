module github.com/seqlab/seqlab

go 1.26

require gonum.org/v1/gonum v0.17.0

require github.com/traefik/yaegi v0.16.1
