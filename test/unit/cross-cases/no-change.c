// The same source twice: no change, no output.
// expect: exit 3
int table_value(int x)
{
	switch (x) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 41;
	case 4: return 53;
	case 5: return 67;
	default: return -1;
	}
}
