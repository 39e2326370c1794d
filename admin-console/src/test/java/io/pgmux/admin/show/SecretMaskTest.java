package io.pgmux.admin.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SecretMaskTest {

    @Test
    void hidesTheLdapBindPasswordAndKeepsTheOtherOptions() {
        assertEquals("ldapurl=\"ldap://h/dc=x?uid?sub\" ldapbindpasswd=******** ldapbinddn=cn=admin",
                SecretMask.configValue("auth_ldap_options",
                        "ldapurl=\"ldap://h/dc=x?uid?sub\" ldapbindpasswd=s3cret ldapbinddn=cn=admin"));
        assertEquals("ldapserver=h LDAPBINDPASSWD = ******** ldapport=389",
                SecretMask.configValue("auth_ldap_options",
                        "ldapserver=h LDAPBINDPASSWD = \"s3 \"\"cret\" ldapport=389"));
        assertEquals("ldapbindpasswd=********", SecretMask.configValue("auth_ldap_options", "ldapbindpasswd=\"open"));
    }

    @Test
    void hidesSettingsNamedLikeSecrets() {
        assertEquals(SecretMask.MASK, SecretMask.configValue("server_tls_key_password", "hunter2"));
        assertEquals(SecretMask.MASK, SecretMask.configValue("ldap_passwd", "hunter2"));
        assertEquals(SecretMask.MASK, SecretMask.configValue("jwt_secret", "hunter2"));
    }

    @Test
    void leavesOtherValuesUnsetAndEmptyValuesAlone() {
        assertEquals("SELECT usename, passwd FROM pg_shadow WHERE usename=$1",
                SecretMask.configValue("auth_query", "SELECT usename, passwd FROM pg_shadow WHERE usename=$1"));
        assertEquals("", SecretMask.configValue("server_tls_key_password", ""));
        assertNull(SecretMask.configValue("server_tls_key_password", null));
    }
}
