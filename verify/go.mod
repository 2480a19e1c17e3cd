// The post-deploy checks (cmd verify) and the end-to-end test that drives
// them: a module of their own, so that the program's module, which `pulumi
// up` builds, carries none of their clients.
module github.com/milvus-eks/milvus-eks/verify

go 1.26.6

require github.com/milvus-eks/milvus-eks v0.0.0

replace github.com/milvus-eks/milvus-eks => ../
