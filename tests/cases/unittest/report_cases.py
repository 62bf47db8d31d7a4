import logging
import unittest
import warnings


class Messages(unittest.TestCase):
    maxDiff = None

    def test_dict(self):
        self.assertEqual({'a': 1, 'b': 2}, {'a': 1, 'b': 3})

    def test_multiline(self):
        self.assertEqual("one\ntwo\nthree\n", "one\n2\nthree\n")

    def test_long_repr(self):
        self.assertEqual('x' * 100, 'x' * 99 + 'y')

    def test_set(self):
        self.assertSetEqual({1, 2}, {2, 3})

    def test_tuple(self):
        self.assertEqual((1, 2), (1, 2, 3))

    def test_almost(self):
        self.assertAlmostEqual(1.0, 1.1)

    def test_almost_delta(self):
        self.assertAlmostEqual(1.0, 1.5, delta=0.1)

    def test_in(self):
        self.assertIn(4, [1, 2, 3])

    def test_is(self):
        self.assertIs([], None, "msg here")

    def test_isinstance(self):
        self.assertIsInstance(1, str)

    def test_count(self):
        self.assertCountEqual([1, 1, 2], [1, 2, 2])

    def test_regex(self):
        self.assertRegex("hello", r"^w")

    def test_raises_none(self):
        with self.assertRaises(ValueError):
            pass

    def test_raises_callable(self):
        self.assertRaises(ValueError, int, "5")

    def test_raises_regex(self):
        with self.assertRaisesRegex(ValueError, "bad"):
            raise ValueError("good")

    def test_greater(self):
        self.assertGreaterEqual(1, 2)

    def test_none(self):
        self.assertIsNone(0)

    def test_not_equal(self):
        self.assertNotEqual(1, 1)

    def test_false(self):
        self.assertFalse([1])

    def test_fail(self):
        self.fail("explicit")


class Passing(unittest.TestCase):
    """Docstring class."""

    def test_a(self):
        """First line of doc.

        More.
        """
        self.assertEqual(1, 1)

    def test_warns(self):
        with self.assertWarns(UserWarning) as cm:
            warnings.warn("careful", UserWarning)
        self.assertEqual(str(cm.warning), "careful")

    def test_logs(self):
        with self.assertLogs('app', level='INFO') as cm:
            logging.getLogger('app').info('hello %s', 'there')
            logging.getLogger('app.sub').warning('warn')
        self.assertEqual(cm.output, ['INFO:app:hello there', 'WARNING:app.sub:warn'])

    def test_cleanup(self):
        order = []
        self.addCleanup(order.append, 1)
        self.addCleanup(lambda: print("cleanup ran", order))

    @unittest.skipIf(True, "because")
    def test_skipped(self):
        raise RuntimeError

    @unittest.skipUnless(True, "never")
    def test_not_skipped(self):
        pass

    @unittest.expectedFailure
    def test_unexpected_success(self):
        pass

    def test_skip_inside(self):
        self.skipTest("from inside")

    def test_nested_subtests(self):
        for i in range(2):
            with self.subTest(i=i):
                for j in range(2):
                    with self.subTest("inner", j=j):
                        self.assertNotEqual((i, j), (1, 1))


class BrokenSetUp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise RuntimeError("class setup broke")

    def test_never(self):
        print("never printed")


class ErrorInSetUp(unittest.TestCase):
    def setUp(self):
        raise KeyError("setup")

    def test_x(self):
        pass


class ChainedError(unittest.TestCase):
    def test_chain(self):
        try:
            1 / 0
        except ZeroDivisionError as e:
            raise ValueError("wrapped") from e


@unittest.skip("whole class")
class SkippedClass(unittest.TestCase):
    def test_one(self):
        pass


class Buffered(unittest.TestCase):
    def test_prints_and_fails(self):
        print("captured output")
        self.assertEqual(1, 2)

    def test_prints_and_passes(self):
        print("hidden")
