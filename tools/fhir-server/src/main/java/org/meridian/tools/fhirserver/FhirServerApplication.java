package org.meridian.tools.fhirserver;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.MemoryBinaryStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.jpa.util.LoggingEmailSender;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR's JPA server for FHIR R4 on an in-memory H2 database, at /fhir on 127.0.0.1:${server.port}.
 * Test tooling: every start begins empty and nothing survives a stop. The beans below are the part of
 * the HAPI starter project's configuration that a plain R4 server needs; HAPI's own config classes
 * (imported) define the DAOs, resource providers, search and batch jobs.
 */
// Elasticsearch: HAPI's optional full-text index, not used here (its client would poll localhost:9200).
@SpringBootApplication(
    exclude = {
      ElasticsearchRestClientAutoConfiguration.class,
      QuartzAutoConfiguration.class,
      ThymeleafAutoConfiguration.class
    })
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionSubmitterConfig.class,
  SubscriptionProcessorConfig.class,
  SubscriptionChannelConfig.class,
  ThreadPoolFactoryConfig.class
})
public class FhirServerApplication {
  private static final Logger LOG = LoggerFactory.getLogger(FhirServerApplication.class);

  public static void main(String[] args) {
    SpringApplication.run(FhirServerApplication.class, args);
  }

  @Bean
  public DataSource dataSource() {
    BasicDataSource dataSource = new BasicDataSource();
    dataSource.setDriverClassName("org.h2.Driver");
    // DB_CLOSE_DELAY=-1: the database lives as long as the JVM, not as long as one connection.
    dataSource.setUrl("jdbc:h2:mem:fhir;DB_CLOSE_DELAY=-1");
    dataSource.setUsername("sa");
    dataSource.setPassword("");
    return dataSource;
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    Properties properties = new Properties();
    properties.put("hibernate.dialect", HapiFhirH2Dialect.class.getName());
    properties.put("hibernate.hbm2ddl.auto", "update");
    properties.put("hibernate.search.enabled", "false");
    properties.put("hibernate.show_sql", "false");
    factory.setJpaProperties(properties);
    return factory;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  @Bean
  public JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // HAPI reuses a search's results for 60 s by default, so a search right after a create would
    // miss the new resource. Tests create and search within milliseconds.
    settings.setReuseCachedSearchResultsForMillis(null);
    // PUT to a new client-assigned id, as long as it contains a letter (all-numeric ids would clash
    // with server-assigned ones).
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
    // Test suites may clean up after themselves: conditional delete of many, $expunge, _expunge.
    settings.setAllowMultipleDelete(true);
    settings.setExpungeEnabled(true);
    settings.setDeleteExpungeEnabled(true);
    settings.setAllowExternalReferences(true);
    return settings;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Bean
  public IBinaryStorageSvc binaryStorageSvc() {
    return new MemoryBinaryStorageSvcImpl();
  }

  @Bean
  public IEmailSender emailSender() {
    return new LoggingEmailSender();
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider) {
    RestfulServer server = new RestfulServer(systemDao.getContext());
    server.registerProviders(resourceProviders.createProviders());
    // The system provider serves transaction and batch Bundles posted to the base URL.
    server.registerProvider(systemProvider);
    server.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport));
    server.setPagingProvider(pagingProvider);
    ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
    // Initialise the servlet during start-up, so that /fhir/metadata answering means ready.
    registration.setLoadOnStartup(1);
    return registration;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void announce(ApplicationReadyEvent event) {
    Environment environment = event.getApplicationContext().getEnvironment();
    LOG.info(
        "FHIR server ready at http://{}:{}/fhir",
        environment.getProperty("server.address", "127.0.0.1"),
        environment.getProperty("local.server.port"));
  }
}
