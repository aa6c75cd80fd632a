module github.com/odbench/odbench

go 1.26.8
