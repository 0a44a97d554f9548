module example.com/startup-demo

go 1.22
