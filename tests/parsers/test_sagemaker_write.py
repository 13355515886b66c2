"""The SageMaker Python writer: a keyword added or changed in the call's own style, as exact
text; values that are not literals and definitions are refused with a reason."""
import ast
import textwrap

import pytest

from analyzer.fix import NativeSet, WriteError, apply_edits
from parsers.sagemaker import definition, python as sm, write


def fix(source: str, path: str, value, address: str | None = None) -> str:
    source = textwrap.dedent(source).lstrip("\n")
    data = source.encode()
    parsed = sm.parse("pipeline.py", data)
    resource = next(r for r in parsed.resources if address is None or r.address == address)
    edits = write.edits(parsed, data, resource, NativeSet(path, value))
    fixed = apply_edits(data, list(edits)).decode()
    ast.parse(fixed)
    return fixed


@pytest.mark.parametrize("source, expected", [
    # multi-line call with a trailing comma: its own line, the siblings' indentation, a comma
    ('''
     job = Estimator(
         role="r",
         instance_count=1,
     )
     ''', '''
     job = Estimator(
         role="r",
         instance_count=1,
         enable_network_isolation=True,
     )
     '''),
    # no trailing comma: the comma goes after the last argument, none after the new one
    ('''
     job = Estimator(
       role="r",
       instance_count=1
     )
     ''', '''
     job = Estimator(
       role="r",
       instance_count=1,
       enable_network_isolation=True
     )
     '''),
    # a comment after the last argument stays on its line
    ('''
     job = Estimator(
         role="r",
         instance_count=1  # one is enough
     )
     ''', '''
     job = Estimator(
         role="r",
         instance_count=1,  # one is enough
         enable_network_isolation=True
     )
     '''),
    ('''
     job = Estimator(
         role="r",
         instance_count=1,  # one is enough
     )
     ''', '''
     job = Estimator(
         role="r",
         instance_count=1,  # one is enough
         enable_network_isolation=True,
     )
     '''),
    # arguments aligned after the parenthesis, closing on the last line
    ('''
     job = Estimator(role="r",
                     instance_count=1)
     ''', '''
     job = Estimator(role="r",
                     instance_count=1,
                     enable_network_isolation=True)
     '''),
    # one-line calls
    ('job = Estimator(role="r", instance_count=1)\n',
     'job = Estimator(role="r", instance_count=1, enable_network_isolation=True)\n'),
    ('job = Estimator(role="r",)\n', 'job = Estimator(role="r", enable_network_isolation=True,)\n'),
    ('job = Estimator()\n', 'job = Estimator(enable_network_isolation=True)\n'),
    # an existing literal is replaced where it is written
    ('''
     job = Estimator(
         role="r",
         enable_network_isolation=False,  # TODO
     )
     ''', '''
     job = Estimator(
         role="r",
         enable_network_isolation=True,  # TODO
     )
     '''),
    ('''
     common = {"enable_network_isolation": False}
     job = Estimator(role="r", **common)
     ''', '''
     common = {"enable_network_isolation": True}
     job = Estimator(role="r", **common)
     '''),
])
def test_estimator_keyword(source, expected):
    header = "from sagemaker.estimator import Estimator\n"
    assert fix(header + textwrap.dedent(source).lstrip("\n"), "EnableNetworkIsolation", True) == \
        header + textwrap.dedent(expected).lstrip("\n")


def test_crlf_and_tabs_are_kept():
    source = "from sagemaker.estimator import Estimator\r\njob = Estimator(\r\n\trole='r',\r\n)\r\n"
    assert fix(source, "ResourceConfig.VolumeKmsKeyId", "alias/v") == (
        "from sagemaker.estimator import Estimator\r\njob = Estimator(\r\n\trole='r',\r\n\tvolume_kms_key='alias/v',\r\n)\r\n")


def test_network_config_fields_go_into_its_call():
    source = '''
        from sagemaker.network import NetworkConfig
        from sagemaker.processing import Processor

        net = NetworkConfig(
            subnets=["subnet-1"],
        )
        proc = Processor(role="r", image_uri="i", network_config=net)
    '''
    assert fix(source, "NetworkConfig.EnableInterContainerTrafficEncryption", True).splitlines()[5] == \
        "    encrypt_inter_container_traffic=True,"


def test_model_trainer_networking_and_tuner_estimator():
    source = '''
        from sagemaker.train import ModelTrainer
        from sagemaker.train.configs import Networking

        trainer = ModelTrainer(role="r", networking=Networking(subnets=["s"]))
    '''
    assert 'Networking(subnets=["s"], enable_network_isolation=True)' in fix(source, "EnableNetworkIsolation", True)
    source = '''
        from sagemaker.estimator import Estimator
        from sagemaker.tuner import HyperparameterTuner

        est = Estimator(role="r")
        tuner = HyperparameterTuner(est, "auc", {})
    '''
    fixed = fix(source, "TrainingJobDefinition.EnableInterContainerTrafficEncryption", True)
    assert 'est = Estimator(role="r", encrypt_inter_container_traffic=True)' in fixed


def test_nothing_to_do():
    data = b'from sagemaker.estimator import Estimator\njob = Estimator(enable_network_isolation=True)\n'
    parsed = sm.parse("p.py", data)
    assert write.edits(parsed, data, parsed.resources[0], NativeSet("EnableNetworkIsolation", True)) == ()


@pytest.mark.parametrize("source, path, reason", [
    ('from sagemaker.workflow.parameters import ParameterBoolean\n'
     'isolate = ParameterBoolean(name="I", default_value=False)\n'
     'job = Estimator(enable_network_isolation=isolate)\n', "EnableNetworkIsolation", "not a literal"),
    ('def f(settings):\n    return Estimator(**settings)\n', "EnableNetworkIsolation", "not a literal"),
    ('from sagemaker.processing import Processor\njob = Processor(role="r", image_uri="i")\n',
     "NetworkConfig.EnableNetworkIsolation", "configuration object"),
])
def test_refusals(source, path, reason):
    data = ("from sagemaker.estimator import Estimator\n" + source).encode()
    parsed = sm.parse("p.py", data)
    with pytest.raises(WriteError, match=reason):
        write.edits(parsed, data, parsed.resources[0], NativeSet(path, True))


def test_definitions_are_not_written():
    data = b'{"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training", "Arguments": {}}]}'
    parsed = definition.parse("p.json", data)
    with pytest.raises(WriteError, match="edit the pipeline code"):
        write.edits(parsed, data, parsed.resources[0], NativeSet("EnableNetworkIsolation", True))
