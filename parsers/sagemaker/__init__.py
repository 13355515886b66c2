"""SageMaker pipeline code, read statically: Python SDK source (`python`), pipeline definition
JSON (`definition`), and the writer for Python calls (`write`). Both readers produce Resources
whose attributes are the SageMaker API request's fields (`EnableNetworkIsolation`,
`ResourceConfig.VolumeKmsKeyId`...), so one kinds-table row serves both.

Kinds and API paths of each job family live in `tables`.
"""
