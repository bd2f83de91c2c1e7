package com.flashapp.whatsapp.sandbox.flash;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.GraphQLScalarType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The Flash custom scalars: pass-through on output, validated on input like the real server's scalars. */
final class FlashScalars {

    static final Pattern PHONE = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    static final Pattern USERNAME = Pattern.compile("^(?!^(1|3|bc1|lnbc1))[\\p{L}0-9_]{3,50}$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", Pattern.CASE_INSENSITIVE);
    private static final Set<String> NON_NEGATIVE_INTS = Set.of("SatAmount", "CentAmount", "USDCents", "JMDCents",
            "Minutes", "Seconds");
    private static final Set<String> INTS = Set.of("SafeInt", "Timestamp");
    private static final Set<String> DECIMALS = Set.of("FractionalCentAmount", "SignedAmount");

    private FlashScalars() {
    }

    static GraphQLScalarType scalar(String name) {
        return GraphQLScalarType.newScalar().name(name).coercing(new FlashCoercing(name)).build();
    }

    /** Validation by scalar name; anything not listed is a plain string. */
    private record FlashCoercing(String name) implements Coercing<Object, Object> {

        @Override
        public Object serialize(Object result, GraphQLContext context, Locale locale) {
            return result instanceof BigInteger b ? b.longValue() : result;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
            try {
                return coerce(input);
            } catch (IllegalArgumentException e) {
                throw new CoercingParseValueException("Invalid value for " + name);
            }
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            Object raw;
            if (input instanceof StringValue s) {
                raw = s.getValue();
            } else if (input instanceof IntValue i) {
                raw = i.getValue();
            } else if (input instanceof FloatValue f) {
                raw = f.getValue();
            } else if (input instanceof BooleanValue b) {
                raw = b.isValue();
            } else {
                throw new CoercingParseLiteralException("Invalid value for " + name);
            }
            try {
                return coerce(raw);
            } catch (IllegalArgumentException e) {
                throw new CoercingParseLiteralException("Invalid value for " + name);
            }
        }

        @Override
        public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
            return StringValue.of(String.valueOf(input));
        }

        private Object coerce(Object input) {
            if (NON_NEGATIVE_INTS.contains(name) || INTS.contains(name)) {
                long value = integral(input);
                if (NON_NEGATIVE_INTS.contains(name) && value < 0) {
                    throw new IllegalArgumentException();
                }
                return value;
            }
            if (DECIMALS.contains(name)) {
                var value = decimal(input);
                if ("FractionalCentAmount".equals(name) && value.signum() < 0) {
                    throw new IllegalArgumentException();
                }
                return value;
            }
            if (!(input instanceof String s)) {
                throw new IllegalArgumentException();
            }
            switch (name) {
                case "Phone" -> require(PHONE.matcher(s).matches());
                case "Username" -> require(USERNAME.matcher(s).matches());
                case "WalletId" -> require(UUID.matcher(s).matches());
                case "Memo" -> require(s.getBytes(StandardCharsets.UTF_8).length <= 639);
                case "OneTimeAuthCode" -> require(s.matches("^[0-9]{6}$"));
                case "DisplayCurrency" -> require(s.matches("^[A-Za-z]{3,4}$"));
                case "LnPaymentRequest" -> require(!s.isBlank());
                default -> {
                    // other scalars are opaque strings
                }
            }
            return "Username".equals(name) ? s.toLowerCase(Locale.ROOT) : s;
        }

        private static void require(boolean ok) {
            if (!ok) {
                throw new IllegalArgumentException();
            }
        }

        private static long integral(Object input) {
            if (input instanceof Integer || input instanceof Long || input instanceof Short) {
                return ((Number) input).longValue();
            }
            if (input instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (input instanceof Number n) {
                var d = new BigDecimal(n.toString());
                if (d.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException();
                }
                return d.longValueExact();
            }
            if (input instanceof String s && s.matches("^-?[0-9]{1,18}$")) {
                return Long.parseLong(s);
            }
            throw new IllegalArgumentException();
        }

        private static BigDecimal decimal(Object input) {
            if (input instanceof Number n) {
                return new BigDecimal(n.toString());
            }
            if (input instanceof String s && s.matches("^-?[0-9]+(\\.[0-9]+)?$")) {
                return new BigDecimal(s);
            }
            throw new IllegalArgumentException();
        }
    }
}
